// The containment matrix: every shipped DaemonSet playbook on every node flavour the lab has, in
// ONE containerd lab fleet whose nodes differ (lab/fleet --flavour):
//   node0001 cgroup v1, no systemd        node0003 cgroup v2, systemd as PID 1 (the default)
//   node0002 cgroup v2, no systemd        node0004 cgroup v2, systemd, only crictl (the lab's
//                                                  crictl STAND-IN, lab/node/crictl)
// The cases share that fleet and run in the order written (the binary is one ctest test, label
// `matrix`, plain build only: see CMakeLists.txt); each checks every node and that no decoy's
// task changed PID or state. The suite prints the matrix (action x flavour x outcome) at the end.
#include "tests/integration/support/containerd_lab.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::nodes_by_name;
using breakglass::testing::TempDir;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string k_target = "kube-system/telemetry-agent";
const std::vector<std::string> k_nodes{"node0001", "node0002", "node0003", "node0004"};
const std::string k_crictl_node = "node0004";

struct Task {
    long pid = 0;
    std::string status;
    bool operator==(const Task&) const = default;
};

class MatrixTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!ContainerdLab::missing_prerequisite().empty()) {
            return;
        }
        s_dir = std::make_unique<TempDir>();
        s_lab = std::make_unique<ContainerdLab>(
            "matrix", 4, std::vector<std::string>{k_crictl_node + ":crictl-only"},
            std::vector<std::string>{"--cgroup", "v2", "--init", "systemd", "--flavour",
                                     "node0001:v1/none", "--flavour", "node0002:v2/none"});
        s_flags = s_lab->shipped_playbook_flags(s_dir->path());
        for (const auto& node : k_nodes) {
            s_decoys_before[node] = decoy_tasks(node);
        }
    }

    static void TearDownTestSuite() {
        if (s_lab) {
            print_matrix();
        }
        s_lab.reset();
        s_dir.reset();
    }

    void SetUp() override {
        if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        ASSERT_TRUE(s_lab) << "the matrix fleet did not come up";
    }

    static std::string flavour(const std::string& node) {
        return node == k_crictl_node ? s_lab->flavour(node) + " crictl" : s_lab->flavour(node);
    }

    // `breakglass ARGS... -o json` with the shipped playbooks (and --yes for what changes
    // nodes: everything here but `daemonset status`); the nodes' entries by name.
    static std::map<std::string, nlohmann::json> run(std::vector<std::string> args,
                                                     int* exit_code = nullptr) {
        if (!(args.size() > 1 && args[0] == "daemonset" && args[1] == "status")) {
            args.push_back("--yes");
        }
        args.insert(args.end(), s_flags.begin(), s_flags.end());
        args.insert(args.end(), {"-o", "json"});
        const auto document = s_lab->breakglass_json(args, exit_code);
        return nodes_by_name(document);
    }

    static std::map<std::string, nlohmann::json> daemonset(std::vector<std::string> args,
                                                           int* exit_code = nullptr) {
        args.insert(args.begin(), "daemonset");
        return run(std::move(args), exit_code);
    }

    // One matrix cell: the node's outcome word (and failure reason), as the CLI reported it.
    static std::string outcome(const nlohmann::json& node) {
        std::string word = node.value("outcome", std::string("<none>"));
        if (node.contains("reason") && !node["reason"].get<std::string>().empty()) {
            word += " (" + node["reason"].get<std::string>() + ")";
        }
        return word;
    }

    // A node without a result is "<missing>", unless the action was not run on it (`absent`
    // says why, e.g. a case only a systemd node can have).
    static void record(const std::string& action, const std::map<std::string, nlohmann::json>& by,
                       const std::string& note = "", const std::string& absent = "<missing>") {
        if (std::find(s_actions.begin(), s_actions.end(), action) == s_actions.end()) {
            s_actions.push_back(action);
        }
        for (const auto& node : k_nodes) {
            const auto found = by.find(node);
            s_matrix[action][node] = found == by.end() ? absent : outcome(found->second) + note;
        }
    }

    static void print_matrix() {
        std::ostringstream table;
        table << "\ncontainment matrix (action x node flavour: outcome)\n";
        table << std::left << std::setw(24) << "action";
        for (const auto& node : k_nodes) {
            table << " | " << std::setw(30) << flavour(node);
        }
        table << "\n";
        for (const auto& action : s_actions) {
            table << std::setw(24) << action;
            for (const auto& node : k_nodes) {
                table << " | " << std::setw(30) << s_matrix[action][node];
            }
            table << "\n";
        }
        std::cout << table.str() << std::flush;
    }

    // NODE's tasks (`ctr tasks ls`; on the crictl-only node through the real ctr the stand-ins
    // use): ID -> PID and status, PIDs as the node sees them.
    static std::map<std::string, Task> tasks_on(const std::string& node) {
        const std::string ctr = node == k_crictl_node ? "/run/breakglass-node/ctr" : "ctr";
        auto listed = s_lab->node_exec(node, {ctr, "-n", "k8s.io", "tasks", "ls"});
        EXPECT_EQ(listed.exit_code, 0) << node << ": " << listed.err;
        std::map<std::string, Task> tasks;
        std::istringstream lines(listed.out);
        std::string line;
        std::getline(lines, line); // header
        while (std::getline(lines, line)) {
            std::istringstream fields(line);
            std::string id;
            Task task;
            if (fields >> id >> task.pid >> task.status) {
                tasks[id] = task;
            }
        }
        return tasks;
    }

    static std::map<std::string, Task> decoy_tasks(const std::string& node) {
        const std::set<std::string> ids = s_lab->pod_task_ids(node, "decoy");
        std::map<std::string, Task> decoys;
        for (const auto& [id, task] : tasks_on(node)) {
            if (ids.count(id) != 0) {
                decoys[id] = task;
            }
        }
        EXPECT_EQ(decoys.size(), ids.size()) << node << ": a decoy has no task";
        return decoys;
    }

    // Every decoy on every node: same task, same PID, still RUNNING.
    static void expect_decoys_untouched(const std::string& after) {
        for (const auto& node : k_nodes) {
            const auto now = decoy_tasks(node);
            EXPECT_EQ(now, s_decoys_before[node]) << flavour(node) << ": a decoy changed " << after;
            for (const auto& [id, task] : now) {
                EXPECT_EQ(task.status, "RUNNING") << flavour(node) << " decoy " << id;
            }
        }
    }

    static std::string kubelet_state(const std::string& node) {
        const auto out = s_lab->node_exec(node, {"systemctl", "is-active", "kubelet"}).out;
        return out.substr(0, out.find('\n'));
    }

    static std::string hold_record(const std::string& node) {
        return s_lab->node_exec(node, {"cat", "/run/breakglass/kubelet-hold"}).out;
    }

    static std::string release_timers(const std::string& node) {
        return s_lab
            ->node_exec(node, {"systemctl", "list-timers", "--all", "--no-pager", "--no-legend"})
            .out;
    }

    // The target's container and sandbox PIDs on every node, from `status`.
    static std::map<std::string, std::vector<long>> target_pids() {
        std::map<std::string, std::vector<long>> pids;
        for (const auto& [name, node] : daemonset({"status", k_target})) {
            for (const auto& pod : node["pods"]) {
                for (const auto& container : pod["containers"]) {
                    pids[name].push_back(container["pid"].get<long>());
                }
                pids[name].push_back(pod["sandbox"]["pid"].get<long>());
            }
        }
        return pids;
    }

    template <typename Predicate>
    static bool eventually(std::chrono::milliseconds limit, Predicate predicate) {
        const auto until = Clock::now() + limit;
        while (Clock::now() < until) {
            if (predicate()) {
                return true;
            }
            std::this_thread::sleep_for(250ms);
        }
        return predicate();
    }

    static bool all_running() {
        const auto status = daemonset({"status", k_target});
        for (const auto& node : k_nodes) {
            if (status.count(node) == 0 || status.at(node)["outcome"] != "running") {
                return false;
            }
        }
        return true;
    }

    static inline std::unique_ptr<TempDir> s_dir;
    static inline std::unique_ptr<ContainerdLab> s_lab;
    static inline std::vector<std::string> s_flags;
    static inline std::map<std::string, std::map<std::string, Task>> s_decoys_before;
    static inline std::vector<std::string> s_actions;
    static inline std::map<std::string, std::map<std::string, std::string>> s_matrix;
};

TEST_F(MatrixTest, FleetHasEveryFlavour) {
    EXPECT_EQ(s_lab->flavour("node0001"), "v1/none");
    EXPECT_EQ(s_lab->flavour("node0002"), "v2/none");
    EXPECT_EQ(s_lab->flavour("node0003"), "v2/systemd");
    EXPECT_EQ(s_lab->flavour("node0004"), "v2/systemd");
    // A systemd node's PID 1 is systemd, in namespaces of its own; its cgroup is its own root.
    for (const std::string node : {"node0003", "node0004"}) {
        EXPECT_EQ(s_lab->node_exec(node, {"cat", "/proc/1/comm"}).out, "systemd\n") << node;
        EXPECT_EQ(
            s_lab->node_exec(node, {"systemctl", "is-active", "containerd", "ssh", "kubelet"}).out,
            "active\nactive\nactive\n")
            << node;
        EXPECT_EQ(s_lab->node_exec(node, {"stat", "-fc", "%T", "/sys/fs/cgroup"}).out,
                  "cgroup2fs\n");
        // Nothing of sysinit.target ran: no systemd-tmpfiles, no systemd-sysctl.
        const auto units = s_lab->node_exec(
            node, {"systemctl", "list-units", "--all", "--no-legend", "--plain", "--no-pager"});
        EXPECT_EQ(units.out.find("systemd-tmpfiles"), std::string::npos) << units.out;
        EXPECT_EQ(units.out.find("systemd-sysctl"), std::string::npos) << units.out;
    }
    EXPECT_EQ(s_lab->node_exec("node0002", {"stat", "-fc", "%T", "/sys/fs/cgroup"}).out,
              "cgroup2fs\n");
    EXPECT_EQ(s_lab->node_exec("node0001", {"test", "-d", "/sys/fs/cgroup/freezer"}).exit_code, 0);
}

TEST_F(MatrixTest, Status) {
    const auto status = daemonset({"status", k_target});
    record("status", status);
    for (const auto& node : k_nodes) {
        ASSERT_EQ(status.count(node), 1U) << node;
        EXPECT_EQ(status.at(node)["outcome"], "running") << flavour(node);
        EXPECT_EQ(status.at(node)["pods"].size(), 1U) << flavour(node);
    }
    expect_decoys_untouched("after status");
}

TEST_F(MatrixTest, FreezeAndThaw) {
    const auto frozen = daemonset({"freeze", k_target});
    record("freeze", frozen);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(frozen.at(node)["outcome"], "contained") << flavour(node);
        for (const auto& container : frozen.at(node)["pods"][0]["containers"]) {
            const long pid = container["pid"].get<long>();
            EXPECT_EQ(container["state"], "paused") << flavour(node);
            EXPECT_EQ(s_lab->freezer_state(node, pid), "FROZEN") << flavour(node);
            // A frozen task sleeps in D under the v1 freezer, in S under v2's.
            EXPECT_EQ(s_lab->process_state(node, pid).substr(0, 1),
                      s_lab->flavour(node) == "v1/none" ? "D" : "S")
                << flavour(node);
        }
    }
    expect_decoys_untouched("after freeze");
    const auto again = daemonset({"freeze", k_target});
    record("freeze again", again);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(again.at(node)["outcome"], "already_contained") << flavour(node);
    }

    const auto thawed = daemonset({"thaw", k_target});
    record("thaw", thawed);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(thawed.at(node)["outcome"], "restored") << flavour(node);
        for (const auto& container : thawed.at(node)["pods"][0]["containers"]) {
            EXPECT_EQ(s_lab->freezer_state(node, container["pid"].get<long>()), "THAWED")
                << flavour(node);
        }
    }
    expect_decoys_untouched("after thaw");
}

TEST_F(MatrixTest, IsolateAndUnisolate) {
    // The chain's jump in OUTPUT of the target pod's own network namespace, seen inside NODE.
    auto isolated = [](const std::string& node, long sandbox_pid) {
        const auto rules = s_lab->node_exec(
            node, {"nsenter", "-t", std::to_string(sandbox_pid), "-n", "iptables", "-S", "OUTPUT"});
        return rules.out.find("-j BREAKGLASS-ISOLATE") != std::string::npos;
    };
    // From inside the target's agent container (nodes with ctr): the API server stand-in answers?
    const auto gateway = s_lab->description()["pod_network"]["gateway"].get<std::string>();
    const auto port = std::to_string(s_lab->description()["pod_network"]["api_port"].get<int>());
    auto reaches = [&](const std::string& node, int attempts) {
        std::string agent;
        for (const auto& pod : s_lab->pods()["nodes"][node]) {
            agent = pod["role"] == "target" ? pod["containers"][0]["id"].get<std::string>() : agent;
        }
        for (int attempt = 0; attempt < attempts; ++attempt) {
            const auto probe =
                s_lab->pod_exec(node, agent, "nc -w 3 " + gateway + " " + port + " </dev/null");
            if (probe.out.find("API server stand-in") != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    const std::vector<std::string> ctr_nodes{"node0001", "node0002", "node0003"};
    for (const auto& node : ctr_nodes) {
        EXPECT_TRUE(reaches(node, 3)) << flavour(node) << ": the probe fails before isolation";
    }
    const auto pids = target_pids();
    const auto isolate = daemonset({"isolate", k_target});
    record("isolate", isolate);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(isolate.at(node)["outcome"], "contained") << flavour(node);
        EXPECT_TRUE(isolated(node, pids.at(node).back())) << flavour(node);
    }
    for (const auto& node : ctr_nodes) {
        EXPECT_FALSE(reaches(node, 1)) << flavour(node) << ": an isolated pod reached the gateway";
    }
    expect_decoys_untouched("after isolate");

    const auto unisolate = daemonset({"unisolate", k_target});
    record("unisolate", unisolate);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(unisolate.at(node)["outcome"], "restored") << flavour(node);
        EXPECT_FALSE(isolated(node, pids.at(node).back())) << flavour(node);
    }
    for (const auto& node : ctr_nodes) {
        EXPECT_TRUE(reaches(node, 3)) << flavour(node) << ": still cut off after unisolate";
    }
    expect_decoys_untouched("after unisolate");
}

TEST_F(MatrixTest, HostNetworkPodIsRefusedOnEveryFlavour) {
    // A hostNetwork DaemonSet pod on every node, as the kubelet labels it. The lab's nodes share
    // one network namespace, so a node-side rule for one node would be every node's: refused.
    for (const auto& node : k_nodes) {
        const std::string ctr = node == k_crictl_node ? "/run/breakglass-node/ctr" : "ctr";
        std::string parent; // where the node's kubelet puts pods, as the node sees it
        for (const auto& entry : s_lab->description()["nodes"]) {
            parent = entry["name"] == node ? entry["cgroup_parent"].get<std::string>() : parent;
        }
        const auto made =
            s_lab->node_exec(node, {ctr,
                                    "-n",
                                    "k8s.io",
                                    "run",
                                    "-d",
                                    "--null-io",
                                    "--net-host",
                                    "--cpu-shares",
                                    "0",
                                    "--cgroup",
                                    parent + "/host-agent",
                                    "--label",
                                    "io.cri-containerd.kind=sandbox",
                                    "--label",
                                    "io.kubernetes.pod.name=host-agent-b2c4d",
                                    "--label",
                                    "io.kubernetes.pod.namespace=kube-system",
                                    "--label",
                                    "io.kubernetes.pod.uid=0b7e1d2c-5a4f-4e3b-9c8d-7f6e5d4c3b2a",
                                    "--label",
                                    "controller-revision-hash=5d8c7b9f6",
                                    "--label",
                                    "pod-template-generation=1",
                                    "--rootfs",
                                    s_lab->description()["rootfs"].get<std::string>(),
                                    "host-agent-sandbox",
                                    "/bin/sleep",
                                    "100000000"});
        ASSERT_EQ(made.exit_code, 0) << flavour(node) << ": " << made.err;
    }
    const auto rules_before = s_lab->node_exec("node0001", {"iptables", "-S"}).out;
    int exit_code = -1;
    // Refused on every node on purpose, each checked: no canary, no budget stop.
    const auto refused =
        daemonset({"isolate", "kube-system/host-agent", "--canary", "0", "--max-failures", "100%"},
                  &exit_code);
    record("isolate hostNetwork", refused);
    EXPECT_EQ(exit_code, 1);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(refused.at(node)["reason"], "host-network") << flavour(node);
        const auto message = refused.at(node)["message"].get<std::string>();
        EXPECT_NE(message.find("hostNetwork"), std::string::npos) << message;
        EXPECT_NE(message.find(s_lab->flavour(node) == "v1/none" ? "cgroup v1" : "cgroup-v2 match"),
                  std::string::npos)
            << flavour(node) << ": " << message;
    }
    // The nodes' (shared) network namespace is untouched.
    EXPECT_EQ(s_lab->node_exec("node0001", {"iptables", "-S"}).out, rules_before);
    for (const auto& node : k_nodes) {
        const std::string ctr = node == k_crictl_node ? "/run/breakglass-node/ctr" : "ctr";
        s_lab->node_exec(
            node, {ctr, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", "host-agent-sandbox"});
        EXPECT_TRUE(eventually(10s, [&] {
            s_lab->node_exec(node, {ctr, "-n", "k8s.io", "tasks", "delete", "host-agent-sandbox"});
            return s_lab
                       ->node_exec(node, {ctr, "-n", "k8s.io", "containers", "delete",
                                          "host-agent-sandbox"})
                       .exit_code == 0;
        })) << flavour(node);
    }
    expect_decoys_untouched("after the hostNetwork refusal");
}

TEST_F(MatrixTest, StopWithTheKubeletHeldThenReleaseCancelsTheTimer) {
    const auto pids = target_pids();
    const auto stopped =
        daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10m", "--grace", "2s"});
    record("stop --hold-kubelet", stopped);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(stopped.at(node)["outcome"], "contained") << flavour(node);
        EXPECT_EQ(kubelet_state(node), "inactive") << flavour(node);
        for (long pid : pids.at(node)) {
            EXPECT_EQ(s_lab->process_state(node, pid), "gone") << flavour(node) << " pid " << pid;
        }
        // systemd: a real transient timer (list-timers shows it); otherwise a detached process.
        const bool systemd = s_lab->flavour(node) == "v2/systemd";
        EXPECT_NE(hold_record(node).find(systemd ? "release=systemd-timer" : "release=process"),
                  std::string::npos)
            << flavour(node) << ": " << hold_record(node);
        if (systemd) {
            EXPECT_NE(release_timers(node).find("breakglass-kubelet-release.timer"),
                      std::string::npos)
                << flavour(node);
            EXPECT_EQ(s_lab->node_exec(node, {"systemctl", "is-enabled", "kubelet"}).out,
                      "masked-runtime\n");
        }
    }
    // Held: nothing comes back (a state check: the stand-in polls every second).
    std::this_thread::sleep_for(3s);
    const auto still = daemonset({"status", k_target});
    for (const auto& node : k_nodes) {
        EXPECT_EQ(still.at(node)["outcome"], "contained") << flavour(node);
    }
    expect_decoys_untouched("after stop");

    const auto released = run({"kubelet", "release"});
    record("kubelet release", released);
    for (const auto& node : k_nodes) {
        EXPECT_EQ(released.at(node)["outcome"], "restored") << flavour(node);
        EXPECT_EQ(kubelet_state(node), "active") << flavour(node);
        if (s_lab->flavour(node) == "v2/systemd") {
            EXPECT_EQ(release_timers(node).find("breakglass-kubelet-release"), std::string::npos)
                << flavour(node) << ": release did not cancel the timer";
        }
    }
    EXPECT_TRUE(eventually(60s, all_running)) << "the kubelet did not bring the pods back";
    expect_decoys_untouched("after release");
}

TEST_F(MatrixTest, RemoveWithTheKubeletHeldAndTheHoldEndsAtItsDeadline) {
    const auto removed =
        daemonset({"remove", k_target, "--hold-kubelet", "--hold-for", "60s", "--grace", "1s"});
    record("remove --hold-kubelet", removed);
    // The deadline from the node's own note ("kubelet held until 2026-12-06T09:00:00Z, ..."): on
    // a slow machine the hold may be over before the record could be read.
    std::map<std::string, long> deadline;
    for (const auto& node : k_nodes) {
        EXPECT_EQ(removed.at(node)["outcome"], "contained") << flavour(node);
        for (const auto& note : removed.at(node)["notes"]) {
            std::tm until{};
            const auto text = note.get<std::string>();
            if (text.rfind("kubelet held until ", 0) == 0 &&
                ::strptime(text.c_str() + 19, "%Y-%m-%dT%H:%M:%SZ", &until) != nullptr) {
                deadline[node] = static_cast<long>(::timegm(&until));
            }
        }
        ASSERT_EQ(deadline.count(node), 1U) << flavour(node) << ": " << removed.at(node).dump();
    }
    // Gone (unless the hold already ended, which a slow machine allows: then they are back).
    const auto gone = daemonset({"status", k_target});
    for (const auto& node : k_nodes) {
        if (static_cast<long>(std::time(nullptr)) < deadline[node] - 1) {
            EXPECT_EQ(gone.at(node)["outcome"], "absent") << flavour(node);
        }
    }
    expect_decoys_untouched("after remove");
    // Nobody releases it: at the deadline the timer (systemd) or the process (otherwise) does,
    // and the kubelet recreates the pods. Never before the deadline (the timer is accurate to 1 s).
    for (const auto& node : k_nodes) {
        EXPECT_TRUE(eventually(60s, [&] { return kubelet_state(node) == "active"; }))
            << flavour(node) << ": the hold did not end on its own";
        EXPECT_GE(static_cast<long>(std::time(nullptr)), deadline[node] - 1)
            << flavour(node) << ": the kubelet came back before the deadline";
        EXPECT_TRUE(eventually(10s, [&] {
            return s_lab->node_exec(node, {"test", "-e", "/run/breakglass/kubelet-hold"})
                       .exit_code != 0;
        })) << flavour(node);
    }
    std::map<std::string, nlohmann::json> expired;
    for (const auto& node : k_nodes) {
        expired[node] = {{"outcome", kubelet_state(node) == "active" ? "kubelet active" : "held"}};
    }
    record("hold deadline passes", expired);
    EXPECT_TRUE(eventually(60s, all_running)) << "the kubelet did not bring the pods back";
    expect_decoys_untouched("after the hold expired");
}

TEST_F(MatrixTest, AFailingSystemdRunRollsTheHoldBack) {
    // A unit of the release's name already exists on the systemd nodes: systemd-run refuses.
    const std::vector<std::string> systemd_nodes{"node0003", "node0004"};
    for (const auto& node : systemd_nodes) {
        ASSERT_EQ(s_lab
                      ->node_exec(node, {"sh", "-c",
                                         "printf '[Service]\\nExecStart=/bin/true\\n' "
                                         ">/run/systemd/system/breakglass-kubelet-release.service"})
                      .exit_code,
                  0);
    }
    int exit_code = -1;
    // Fails on both nodes on purpose, each checked: no canary, no budget stop.
    const auto refused = daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10m", "-w",
                                    "node[0003-0004]", "--canary", "0", "--max-failures", "100%"},
                                   &exit_code);
    record("stop, systemd-run fails", refused, "", "not run (no systemd)");
    EXPECT_EQ(exit_code, 1);
    for (const auto& node : systemd_nodes) {
        ASSERT_EQ(refused.count(node), 1U) << node;
        EXPECT_EQ(refused.at(node)["reason"], "kubelet-hold-failed") << flavour(node);
        const auto message = refused.at(node)["message"].get<std::string>();
        EXPECT_NE(message.find("rolled back"), std::string::npos) << message;
        EXPECT_NE(message.find("fragment file"), std::string::npos)
            << "systemd-run's own reason: " << message;
        // Rolled back: unmasked, running, no hold record, nothing stopped.
        EXPECT_EQ(kubelet_state(node), "active") << flavour(node);
        EXPECT_NE(s_lab->node_exec(node, {"systemctl", "is-enabled", "kubelet"}).out,
                  "masked-runtime\n");
        EXPECT_NE(s_lab->node_exec(node, {"test", "-e", "/run/breakglass/kubelet-hold"}).exit_code,
                  0);
        s_lab->node_exec(node,
                         {"rm", "-f", "/run/systemd/system/breakglass-kubelet-release.service"});
    }
    EXPECT_TRUE(all_running());
    expect_decoys_untouched("after the failed hold");
}

} // namespace
