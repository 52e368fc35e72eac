// `breakglass daemonset ACTION` and `kubelet release` against the containerd lab: real sshd,
// real containerd and runc, CRI-labelled target pods next to decoys, and the one stand-in, the
// kubelet (lab/node/kubelet-standin, which recreates what dies unless held through systemctl).
// The shipped playbooks are bundled and signed by the real ssh-keygen for each fleet.
#include "tests/integration/support/containment_fixture.hpp"
#include "tests/integration/support/files.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::SignedFleet;
using breakglass::testing::TempDir;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string k_target = "kube-system/telemetry-agent";

// A task as `ctr tasks ls` shows it on a node.
struct Task {
    long pid = 0;
    std::string status; // RUNNING, PAUSED, STOPPED
};

class ContainmentTest : public breakglass::testing::ContainmentFixture {
protected:
    nlohmann::json run_json(const std::vector<std::string>& args, int* exit_code) const {
        return m_lab->breakglass_json(args, exit_code);
    }

    // container/sandbox ID -> task on NODE (tasks without a process are absent).
    std::map<std::string, Task> tasks_on(const std::string& node) const {
        auto result = m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "tasks", "ls"});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::map<std::string, Task> tasks;
        std::istringstream lines(result.out);
        std::string line;
        std::getline(lines, line); // header
        while (std::getline(lines, line)) {
            std::istringstream fields(line);
            std::string id;
            Task task;
            fields >> id >> task.pid >> task.status;
            tasks[id] = task;
        }
        return tasks;
    }

    std::set<std::string> containers_on(const std::string& node) const {
        auto result = m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "containers", "ls", "-q"});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::set<std::string> ids;
        std::istringstream lines(result.out);
        for (std::string id; std::getline(lines, id);) {
            ids.insert(id);
        }
        return ids;
    }

    // Every decoy's sandbox and containers, with their PIDs now: they must never change.
    std::map<std::string, long> decoy_pids(const std::string& node) const {
        const std::set<std::string> decoy_ids = m_lab->pod_task_ids(node, "decoy");
        std::map<std::string, long> pids;
        for (const auto& [id, task] : tasks_on(node)) {
            if (decoy_ids.count(id) != 0) {
                EXPECT_EQ(task.status, "RUNNING") << node << " decoy " << id;
                pids[id] = task.pid;
            }
        }
        EXPECT_EQ(pids.size(), decoy_ids.size()) << node << ": a decoy has no running task";
        return pids;
    }

    std::map<std::string, std::map<std::string, long>> all_decoy_pids() const {
        std::map<std::string, std::map<std::string, long>> out;
        for (const auto& node : m_nodes) {
            out[node] = decoy_pids(node);
        }
        return out;
    }

    // The target's containers as the lab made them on NODE: name -> ID, and the sandbox ID.
    std::set<std::string> target_ids(const std::string& node) const {
        std::set<std::string> ids;
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            if (pod["role"] == "target") {
                ids.insert(pod["sandbox_id"].get<std::string>());
                for (const auto& container : pod["containers"]) {
                    ids.insert(container["id"].get<std::string>());
                }
            }
        }
        return ids;
    }

    std::string kubelet_state(const std::string& node) const {
        return m_lab->node_exec(node, {"systemctl", "is-active", "kubelet"}).out;
    }

    // Polls PREDICATE every 200 ms until it holds or LIMIT passes.
    template <typename Predicate>
    static bool eventually(std::chrono::milliseconds limit, Predicate predicate) {
        const auto until = Clock::now() + limit;
        while (Clock::now() < until) {
            if (predicate()) {
                return true;
            }
            std::this_thread::sleep_for(200ms);
        }
        return predicate();
    }
};

// Every case acts on one shared fleet of five nodes (the suite is one ctest test: CMakeLists.txt,
// SHARED_FLEET_SUITES): node0001 and node0002 as the lab makes them, node0003 without a running
// containerd, node0004 without a runtime, node0005 with k3s's socket. The status case, first, looks
// at all five; the others act on node0001 and node0002 only (--nodes). Each leaves the fleet as it
// found it, and each starts by waiting for that state: the target running on both under an active
// kubelet with no hold left, so a case that failed half-way fails alone.
class ContainmentSharedFleetTest : public ContainmentTest {
protected:
    static void SetUpTestSuite() {
        // node0005's containerd listens where k3s and RKE2 put it.
        s_fleet.bring_up("containment", 5,
                         std::vector<std::string>{"node0003:no-socket", "node0004:no-runtime",
                                                  "node0005:k3s-socket"},
                         std::vector<std::string>{});
    }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        ContainmentTest::SetUp();
        if (IsSkipped()) {
            return;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        use(*s_fleet.get());
        m_nodes = {"node0001", "node0002"};
        m_flags.insert(m_flags.end(), {"--nodes", "node0001,node0002"});
        const nlohmann::json all_running{{"running", m_nodes.size()}};
        ASSERT_TRUE(eventually(90s, [&] {
            for (const auto& name : m_nodes) {
                if (kubelet_state(name) != "active\n" ||
                    m_lab->node_exec(name, {"test", "-e", "/run/breakglass/kubelet-hold"})
                            .exit_code == 0) {
                    return false;
                }
            }
            return daemonset({"status", k_target})["summary"] == all_running;
        })) << "the shared fleet is not back to its starting state";
    }

    static inline breakglass::testing::SuiteFleet<SignedFleet> s_fleet;
};

TEST_F(ContainmentSharedFleetTest, StatusFindsExactlyTheTargetPodsAndFailsNodesWithoutARuntime) {
    use(*s_fleet.get()); // all five nodes: this case only looks
    int exit_code = -1;
    const auto document = daemonset({"status", k_target}, &exit_code);
    EXPECT_EQ(exit_code, 1); // two nodes failed
    EXPECT_EQ(document["summary"], nlohmann::json({{"running", 3}, {"failed", 2}}));
    const auto nodes = by_node(document);
    for (const std::string node : {"node0001", "node0002", "node0005"}) {
        std::set<std::string> expected;
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            if (pod["role"] == "target") {
                expected.insert("pod " + pod["uid"].get<std::string>() + " " +
                                pod["name"].get<std::string>());
                for (const auto& container : pod["containers"]) {
                    expected.insert("container " + container["name"].get<std::string>() + " " +
                                    container["id"].get<std::string>());
                }
            }
        }
        std::set<std::string> found;
        for (const auto& pod : nodes.at(node)["pods"]) {
            found.insert("pod " + pod["uid"].get<std::string>() + " " +
                         pod["name"].get<std::string>());
            for (const auto& container : pod["containers"]) {
                found.insert("container " + container["name"].get<std::string>() + " " +
                             container["id"].get<std::string>());
                EXPECT_EQ(container["state"], "running");
                EXPECT_GT(container["pid"].get<long>(), 0);
            }
        }
        EXPECT_EQ(found, expected) << node; // the full matched set: no decoy, nothing missing
        EXPECT_EQ(nodes.at(node)["outcome"], "running");
    }
    // A DaemonSet whose pods' names are cut to 58 characters is found by its own full name.
    const std::string long_name = "telemetry-agent-node-level-collector-for-cluster-observability";
    const auto truncated = by_node(daemonset({"status", "kube-system/" + long_name}));
    for (const std::string node : {"node0001", "node0002"}) {
        std::string expected;
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            if (pod["owner"] == "DaemonSet/" + long_name) {
                expected = pod["name"].get<std::string>();
            }
        }
        ASSERT_EQ(truncated.at(node)["pods"].size(), 1U) << node;
        EXPECT_EQ(truncated.at(node)["pods"][0]["name"], expected);
        EXPECT_EQ(expected.size(), 63U); // 58 + 5
    }
    // What each node is, for the responder (the lab: cgroup v1 with a v2 hierarchy, no systemd
    // but its systemctl stand-in for unit kubelet).
    for (const std::string node : {"node0001", "node0005"}) {
        const auto& facts = nodes.at(node)["facts"];
        EXPECT_EQ(facts["runtime"], "ctr") << facts;
        EXPECT_EQ(facts["runtime_version"].get<std::string>().rfind("1.6.", 0), 0U) << facts;
        EXPECT_EQ(facts["kubelet_unit"], "kubelet");
        EXPECT_EQ(facts["kubelet_state"], "active");
        EXPECT_EQ(facts["kubelet_held"], false);
        EXPECT_TRUE(facts["kubelet_held_until"].is_null());
        EXPECT_TRUE(facts["cgroup"] == "hybrid" || facts["cgroup"] == "v1" ||
                    facts["cgroup"] == "v2")
            << facts;
    }
    EXPECT_EQ(nodes.at("node0001")["facts"]["runtime_socket"], "/run/containerd/containerd.sock");
    EXPECT_EQ(nodes.at("node0005")["facts"]["runtime_socket"],
              "/run/k3s/containerd/containerd.sock");
    // Failed nodes still say what they are.
    EXPECT_EQ(nodes.at("node0003")["facts"]["runtime"], "ctr"); // installed, no socket
    EXPECT_EQ(nodes.at("node0003")["facts"]["kubelet_unit"], "kubelet");
    EXPECT_EQ(nodes.at("node0004")["facts"]["runtime"], "none");
    // --runtime-socket names the socket: found on node0005, missing on node0001 (a failure that
    // says which socket, not "no pods").
    // --kubelet-unit names the unit reported (the lab's systemctl knows only kubelet: another
    // unit is inactive, as systemd says of a unit it does not have).
    const auto by_flag =
        by_node(daemonset({"status", k_target, "--nodes", "node0001,node0005", "--runtime-socket",
                           "/run/k3s/containerd/containerd.sock", "--kubelet-unit", "k3s-agent"}));
    EXPECT_EQ(by_flag.at("node0005")["outcome"], "running");
    EXPECT_EQ(by_flag.at("node0005")["facts"]["kubelet_unit"], "k3s-agent");
    EXPECT_EQ(by_flag.at("node0005")["facts"]["kubelet_state"], "inactive");
    EXPECT_EQ(by_flag.at("node0001")["reason"], "runtime-not-running");
    EXPECT_NE(by_flag.at("node0001")["message"].get<std::string>().find("(runtime_socket)"),
              std::string::npos)
        << by_flag.at("node0001");
    for (const std::string bad : {"run/containerd.sock", "/run/../x.sock", "/run/x.sock;reboot"}) {
        std::vector<std::string> args{"daemonset", "status", k_target, "--runtime-socket", bad};
        args.insert(args.end(), m_flags.begin(), m_flags.end());
        const auto refused = m_lab->breakglass(args);
        EXPECT_EQ(refused.exit_code, 2) << bad << refused.err;
        EXPECT_NE(refused.err.find("runtime_socket"), std::string::npos) << refused.err;
    }
    // A report cut by max_output is never read: its missing head could under-report.
    const auto cut =
        by_node(daemonset({"status", k_target, "--nodes", "node0001", "--max-output", "120"}));
    EXPECT_EQ(cut.at("node0001")["outcome"], "failed");
    EXPECT_EQ(cut.at("node0001")["reason"], "bad-report");
    EXPECT_TRUE(cut.at("node0001")["pods"].empty());
    EXPECT_NE(cut.at("node0001")["message"].get<std::string>().find("max_output"),
              std::string::npos);
    EXPECT_EQ(nodes.at("node0003")["reason"], "runtime-not-running");
    EXPECT_NE(nodes.at("node0003")["message"].get<std::string>().find("socket"), std::string::npos);
    EXPECT_EQ(nodes.at("node0004")["reason"], "no-runtime");
}

TEST_F(ContainmentSharedFleetTest,
       FreezeFreezesOnlyTheTargetThawRestoresAndSecondRunsHaveNothingToDo) {
    const auto decoys_before = all_decoy_pids();
    const auto frozen = daemonset({"freeze", k_target});
    EXPECT_EQ(frozen["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& [name, node] : by_node(frozen)) {
        EXPECT_EQ(node["remaining"], 0);
        EXPECT_EQ(node["changes"].size(), 2U) << name; // agent and log-shipper
        for (const auto& pod : node["pods"]) {
            for (const auto& container : pod["containers"]) {
                EXPECT_EQ(container["state"], "paused");
                const long pid = container["pid"].get<long>();
                EXPECT_EQ(m_lab->freezer_state(name, pid), "FROZEN") << name;
                // A frozen task sleeps in D under the v1 freezer, in S under v2's.
                const auto state = m_lab->process_state(name, pid);
                EXPECT_EQ(state.substr(0, 1), m_lab->flavour(name).rfind("v1/", 0) == 0 ? "D" : "S")
                    << name << " " << m_lab->flavour(name) << ": " << state;
            }
        }
    }
    EXPECT_EQ(all_decoy_pids(), decoys_before);
    const auto again = daemonset({"freeze", k_target});
    EXPECT_EQ(again["summary"], nlohmann::json({{"already_contained", 2}}));
    for (const auto& [name, node] : by_node(again)) {
        EXPECT_TRUE(node["changes"].empty()) << name;
    }
    // The kubelet stand-in still sees them running: two more of its passes recreate nothing.
    ASSERT_TRUE(m_lab->wait_for_kubelet_passes(m_nodes));
    EXPECT_EQ(daemonset({"status", k_target})["summary"], nlohmann::json({{"contained", 2}}));

    const auto thawed = daemonset({"thaw", k_target});
    EXPECT_EQ(thawed["summary"], nlohmann::json({{"restored", 2}}));
    for (const auto& [name, node] : by_node(thawed)) {
        for (const auto& pod : node["pods"]) {
            for (const auto& container : pod["containers"]) {
                EXPECT_EQ(container["state"], "running");
                EXPECT_EQ(m_lab->freezer_state(name, container["pid"].get<long>()), "THAWED");
            }
        }
    }
    EXPECT_EQ(daemonset({"thaw", k_target})["summary"], nlohmann::json({{"already_restored", 2}}));
    EXPECT_EQ(all_decoy_pids(), decoys_before);
}

TEST_F(ContainmentSharedFleetTest, StopIsRefusedWhileTheKubeletRunsAndChangesNothing) {
    const auto decoys_before = all_decoy_pids();
    const auto before = daemonset({"status", k_target});
    int exit_code = -1;
    // Refused on every node on purpose, each checked: no canary, no budget stop.
    const auto refused =
        daemonset({"stop", k_target, "--canary", "0", "--max-failures", "100%"}, &exit_code);
    EXPECT_EQ(exit_code, 1);
    EXPECT_EQ(refused["summary"], nlohmann::json({{"failed", 2}}));
    for (const auto& [name, node] : by_node(refused)) {
        EXPECT_EQ(node["reason"], "kubelet-would-restart") << name;
        EXPECT_TRUE(node["changes"].empty());
        EXPECT_EQ(kubelet_state(name), "active\n");
    }
    // Same containers, same PIDs; only each node's journal gained the refused stop (exit-6).
    auto without_journal = [](nlohmann::json nodes) {
        for (auto& node : nodes) {
            node.erase("journal");
        }
        return nodes;
    };
    const auto after = daemonset({"status", k_target});
    EXPECT_EQ(without_journal(after["nodes"]), without_journal(before["nodes"]));
    for (const auto& [name, node] : by_node(after)) {
        ASSERT_FALSE(node["journal"].empty()) << name;
        EXPECT_EQ(node["journal"].back()["action"], "stop") << name;
        EXPECT_EQ(node["journal"].back()["outcome"], "exit-6") << name;
    }
    EXPECT_EQ(all_decoy_pids(), decoys_before);
}

TEST_F(ContainmentSharedFleetTest, RemoveLeavesNoContainerOrSandboxAndReleaseBringsThemBack) {
    const auto decoys_before = all_decoy_pids();
    // The target's IDs as the lab made them are what must be gone afterwards: so they must be
    // the running ones now (no earlier case of the shared fleet replaced them).
    for (const auto& name : m_nodes) {
        const auto tasks = tasks_on(name);
        for (const auto& id : target_ids(name)) {
            ASSERT_EQ(tasks.count(id), 1U)
                << name << ": " << id << " was replaced before this case";
            ASSERT_EQ(tasks.at(id).status, "RUNNING") << name << ": " << id;
        }
    }
    const auto removed =
        daemonset({"remove", k_target, "--hold-kubelet", "--hold-for", "10m", "--grace", "1s"});
    EXPECT_EQ(removed["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& name : m_nodes) {
        const auto containers = containers_on(name);
        const auto tasks = tasks_on(name);
        for (const auto& id : target_ids(name)) {
            EXPECT_EQ(containers.count(id), 0U) << name << " still has " << id;
            EXPECT_EQ(tasks.count(id), 0U) << name << " still runs " << id;
        }
    }
    EXPECT_EQ(daemonset({"remove", k_target})["summary"], nlohmann::json({{"nothing_to_do", 2}}));
    EXPECT_EQ(daemonset({"status", k_target})["summary"], nlohmann::json({{"absent", 2}}));
    EXPECT_EQ(all_decoy_pids(), decoys_before);

    std::vector<std::string> release{"kubelet", "release", "--yes", "-o", "json"};
    release.insert(release.end(), m_flags.begin(), m_flags.end());
    int exit_code = -1;
    EXPECT_EQ(run_json(release, &exit_code)["summary"], nlohmann::json({{"restored", 2}}));
    EXPECT_EQ(exit_code, 0);
    for (const auto& name : m_nodes) {
        EXPECT_EQ(kubelet_state(name), "active\n");
    }
    EXPECT_EQ(run_json(release, nullptr)["summary"], nlohmann::json({{"already_restored", 2}}));
    EXPECT_TRUE(eventually(20s, [&] {
        return daemonset({"status", k_target})["summary"] == nlohmann::json({{"running", 2}});
    }));
    EXPECT_EQ(all_decoy_pids(), decoys_before);
}

TEST_F(ContainmentSharedFleetTest, StopWithAHeldKubeletStaysStoppedUntilTheHoldExpiresOnItsOwn) {
    const auto decoys_before = all_decoy_pids();
    std::map<std::string, std::vector<long>> target_pids;
    for (const auto& [name, node] : by_node(daemonset({"status", k_target}))) {
        for (const auto& container : node["pods"][0]["containers"]) {
            target_pids[name].push_back(container["pid"].get<long>());
        }
        target_pids[name].push_back(node["pods"][0]["sandbox"]["pid"].get<long>());
    }
    // A hold far longer than the checks that need it, however slow the machine (a 45 s one ended
    // before they did on this machine at load 20): its expiry is tested below, with a short one.
    const auto stopped =
        daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10m", "--grace", "2s"});
    EXPECT_EQ(stopped["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& [name, node] : by_node(stopped)) {
        EXPECT_EQ(node["remaining"], 0);
        EXPECT_EQ(kubelet_state(name), "inactive\n");
        for (long pid : target_pids[name]) {
            EXPECT_EQ(m_lab->process_state(name, pid), "gone") << name << " pid " << pid;
        }
        const std::string record =
            m_lab->node_exec(name, {"cat", "/run/breakglass/kubelet-hold"}).out;
        // Under systemd (the lab's default) the release is a real transient timer.
        EXPECT_NE(record.find(m_lab->flavour(name) == "v2/systemd" ? "release=systemd-timer"
                                                                   : "release=process"),
                  std::string::npos)
            << record;
    }
    // Held: the stand-in is not running (the state above), so nothing brings them back, and a
    // second stop has nothing to do.
    const auto again = daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10m"});
    EXPECT_EQ(again["summary"], nlohmann::json({{"already_contained", 2}})) << again.dump();
    EXPECT_EQ(all_decoy_pids(), decoys_before);
    for (const auto& name : m_nodes) {
        ASSERT_EQ(kubelet_state(name), "inactive\n") << name << ": the hold ended too soon";
    }

    // Released by hand (the remove case checks `kubelet release` itself), the pods come back; a
    // hold of the shortest length then ends on its own, at its deadline and not before.
    std::vector<std::string> release{"kubelet", "release", "--yes", "-o", "json"};
    release.insert(release.end(), m_flags.begin(), m_flags.end());
    ASSERT_EQ(run_json(release, nullptr)["summary"], nlohmann::json({{"restored", 2}}));
    ASSERT_TRUE(eventually(60s, [&] {
        return daemonset({"status", k_target})["summary"] == nlohmann::json({{"running", 2}});
    }));
    const auto short_hold =
        by_node(daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10s"}));
    for (const auto& name : m_nodes) {
        EXPECT_EQ(short_hold.at(name)["outcome"], "contained") << short_hold.at(name);
        // The deadline from the node's own note ("kubelet held until 2026-12-06T09:00:00Z, ...").
        long deadline = 0;
        for (const auto& note : short_hold.at(name)["notes"]) {
            const auto text = note.get<std::string>();
            std::tm until{};
            if (text.rfind("kubelet held until ", 0) == 0 &&
                ::strptime(text.c_str() + 19, "%Y-%m-%dT%H:%M:%SZ", &until) != nullptr) {
                deadline = static_cast<long>(::timegm(&until));
            }
        }
        ASSERT_GT(deadline, 0) << name << ": " << short_hold.at(name);
        // Nobody runs `kubelet release`: the timer does, and never before the deadline (the
        // timer is accurate to 1 s).
        EXPECT_TRUE(eventually(90s, [&] { return kubelet_state(name) == "active\n"; })) << name;
        EXPECT_GE(static_cast<long>(std::time(nullptr)), deadline - 1)
            << name << ": the kubelet came back before the deadline";
        EXPECT_TRUE(eventually(10s, [&] {
            return m_lab->node_exec(name, {"test", "-e", "/run/breakglass/kubelet-hold"})
                       .exit_code != 0;
        })) << name;
    }
    // The kubelet restarts the pods.
    EXPECT_TRUE(eventually(60s, [&] {
        return daemonset({"status", k_target})["summary"] == nlohmann::json({{"running", 2}});
    }));
    EXPECT_EQ(all_decoy_pids(), decoys_before);
}

TEST_F(ContainmentSharedFleetTest, ANonRootUserActsThroughBecome) {
    // bglab may only `sudo -n`; ctr needs root, so this works only through become.
    const auto frozen = daemonset({"freeze", k_target, "--user", "bglab"});
    EXPECT_EQ(frozen["summary"], nlohmann::json({{"contained", 2}})) << frozen.dump();
    const auto thawed = daemonset({"thaw", k_target, "--user", "bglab"});
    EXPECT_EQ(thawed["summary"], nlohmann::json({{"restored", 2}})) << thawed.dump();
}

TEST_F(ContainmentSharedFleetTest, TamperedShippedPlaybookOrBadNameNeverRuns) {
    // The tampered copy is this test's own: the shared fleet's signed folder stays intact.
    auto flags = m_flags;
    const auto folder = std::find(flags.begin(), flags.end(), "--playbooks");
    ASSERT_NE(folder, flags.end());
    const std::string copy = m_dir.path() + "/playbooks";
    std::filesystem::copy(*(folder + 1), copy);
    *(folder + 1) = copy;
    const std::string playbook = copy + "/daemonset-freeze.json";
    std::string text = read_text(playbook);
    text.insert(text.find("pause"), "!"); // any byte changes the signed content
    std::ofstream(playbook, std::ios::trunc) << text;
    std::vector<std::string> args{"daemonset", "freeze", k_target, "--yes"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto refused = m_lab->breakglass(args);
    EXPECT_EQ(refused.exit_code, 5) << refused.err;
    EXPECT_NE(refused.err.find("daemonset-freeze"), std::string::npos) << refused.err;
    EXPECT_EQ(daemonset({"status", k_target})["summary"], nlohmann::json({{"running", 2}}));

    std::vector<std::string> bad{"daemonset", "status", "Kube-System/x;reboot"};
    bad.insert(bad.end(), m_flags.begin(), m_flags.end());
    auto usage = m_lab->breakglass(bad);
    EXPECT_EQ(usage.exit_code, 2) << usage.err;
    EXPECT_EQ(std::count(usage.err.begin(), usage.err.end(), '\n'), 1) << usage.err;
}

// A number of seconds with a leading zero (08: a bad octal number for sh arithmetic) is refused
// by stop and remove before the snapshot, so nothing is signalled, whatever the playbook's
// pattern let through.
TEST(DaemonSetActionsLibrary, SecondsWithLeadingZerosAreRefusedBeforeAnythingChanges) {
    std::string code;
    for (const char* name : {"daemonset_match.sh", "daemonset_actions.sh", "kubelet_hold.sh"}) {
        code += read_text(breakglass::testing::source_dir() + "/playbooks/lib/" + name) + "\n";
    }
    auto run = [&](const std::string& call) {
        auto result = breakglass::testing::run_process(
            {"dash", "-c", code + "bg_ds_snapshot() { echo snapshot; return 9; }\n" + call});
        return std::to_string(result.exit_code) + " " + result.out + result.err;
    };
    EXPECT_EQ(run("bg_ds_stop hold 08 30"),
              "2 hold_seconds '08' is not a number of seconds without leading zeros\n");
    EXPECT_EQ(run("bg_ds_stop refuse 7200 010"),
              "2 grace_seconds '010' is not a number of seconds without leading zeros\n");
    EXPECT_EQ(run("bg_ds_remove accept-restart 7200 1234567"),
              "2 grace_seconds '1234567' is more than 6 digits\n");
    EXPECT_EQ(run("bg_ds_remove accept-restart '' 30").substr(0, 2), "2 ");
    EXPECT_EQ(run("bg_ds_stop refuse 0 30"), "9 snapshot\n");
    EXPECT_EQ(run("bg_ds_remove refuse 7200 0"), "9 snapshot\n");
}

} // namespace
