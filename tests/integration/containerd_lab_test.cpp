// The containerd lab (lab/fleet up --containerd) and the one DaemonSet matching rule
// (playbooks/lib/daemonset_match.sh) against real containerd and runc: every node its own sshd,
// containerd and CRI-labelled pods, next to decoys that must never match. The kubelet is the one
// stand-in (lab/node/kubelet-standin), driven through the node's systemctl shim.
#include "tests/integration/support/containerd_lab.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::daemonset_match_script;
using breakglass::testing::nodes_by_name;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_vanishing_file;
using breakglass::testing::run_process;
using breakglass::testing::SignedFleet;
using breakglass::testing::TempDir;

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(stream), {}};
}

// One line of bg_ds_match's output.
struct MatchLine {
    std::string kind; // sandbox | container
    std::string uid;
    std::string name; // pod name for a sandbox, container name for a container
    std::string id;
    std::string state;
    long pid = -1;
};

std::vector<MatchLine> parse_match(const std::string& out) {
    std::vector<MatchLine> lines;
    std::istringstream stream(out);
    std::string text;
    while (std::getline(stream, text)) {
        std::istringstream fields(text);
        MatchLine line;
        fields >> line.kind >> line.uid >> line.name >> line.id >> line.state >> line.pid;
        EXPECT_TRUE(!fields.fail() && (line.kind == "sandbox" || line.kind == "container"))
            << "unexpected output line: " << text;
        lines.push_back(line);
    }
    return lines;
}

// "sandbox UID POD" and "container UID NAME": what a match is, without IDs and states.
std::set<std::string> identities(const std::vector<MatchLine>& lines) {
    std::set<std::string> out;
    for (const auto& line : lines) {
        out.insert(line.kind + " " + line.uid + " " + line.name);
    }
    return out;
}

// The same identities as the lab made them for one node: pods of DaemonSet NAMESPACE/NAME.
std::set<std::string> expected(const nlohmann::json& node_pods, const std::string& ns,
                               const std::string& name) {
    std::set<std::string> out;
    for (const auto& pod : node_pods) {
        if (pod["namespace"] == ns && pod["owner"] == "DaemonSet/" + name) {
            const auto uid = pod["uid"].get<std::string>();
            out.insert("sandbox " + uid + " " + pod["name"].get<std::string>());
            for (const auto& container : pod["containers"]) {
                out.insert("container " + uid + " " + container["name"].get<std::string>());
            }
        }
    }
    return out;
}

class ContainerdLabTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
    }

    // A fleet of this test's own.
    void start(int nodes, std::vector<std::string> faults = {},
               std::vector<std::string> flavours = {}) {
        m_own = std::make_unique<SignedFleet>(
            ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes,
            std::move(faults), std::move(flavours));
        use(*m_own);
    }

    void use(SignedFleet& fleet) {
        m_fleet = &fleet;
        m_lab = fleet.lab.get();
        m_inventory = fleet.inventory;
    }

    // `breakglass exec --read-only -o json` of SCRIPT (which only looks) on every node, keyed by
    // node name: all nodes at once, each one's result kept whether it fails or not.
    nlohmann::json exec_everywhere(const std::string& script,
                                   const std::vector<std::string>& flags = {}) const {
        std::vector<std::string> args{"exec", "-i", m_inventory, "--read-only", "-o", "json"};
        args.insert(args.end(), flags.begin(), flags.end());
        args.insert(args.end(), {"--", script});
        auto result = m_lab->breakglass(args);
        EXPECT_FALSE(result.timed_out);
        nlohmann::json nodes = nlohmann::json::object();
        auto document = nlohmann::json::parse(result.out, nullptr, false);
        EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
        if (!document.is_discarded()) {
            for (const auto& node : document["nodes"]) {
                nodes[node["name"].get<std::string>()] = node;
            }
        }
        return nodes;
    }

    std::vector<MatchLine> match_on(const std::string& node, const std::string& ns,
                                    const std::string& name) const {
        auto result = m_lab->ssh(node, daemonset_match_script(ns, name));
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return parse_match(result.out);
    }

    const nlohmann::json& pods_of(const std::string& node) const {
        return m_lab->pods()["nodes"][node];
    }

    std::unique_ptr<SignedFleet> m_own;
    SignedFleet* m_fleet = nullptr;
    ContainerdLab* m_lab = nullptr;
    std::string m_inventory;
};

// The checks that change nothing on the fleet share one fleet of three nodes, and the last case
// (declared last: gtest runs a suite's cases in the order written) takes it down and checks that
// nothing is left. The suite is one ctest test (CMakeLists.txt, SHARED_FLEET_SUITES).
class ContainerdLabReadOnlyTest : public ContainerdLabTest {
protected:
    static void SetUpTestSuite() {
        s_fleet.bring_up("read-only", 3, std::vector<std::string>{}, std::vector<std::string>{});
    }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        ContainerdLabTest::SetUp();
        if (IsSkipped()) {
            return;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        use(*s_fleet.get());
    }

    static inline breakglass::testing::SuiteFleet<SignedFleet> s_fleet;
};

TEST_F(ContainerdLabReadOnlyTest, FleetDescribesOneSshdAndOneContainerdPerNodeAndTheirPods) {
    const auto& description = m_lab->description();
    EXPECT_EQ(description["containerd"], true);
    ASSERT_EQ(description["nodes"].size(), 3U);
    std::set<std::string> addresses;
    std::set<std::string> host_keys;
    for (const auto& node : description["nodes"]) {
        addresses.insert(node["address"].get<std::string>());
        host_keys.insert(node["host_key"].get<std::string>());
        EXPECT_EQ(node["port"], 22);
        EXPECT_EQ(node["fault"], "none");
        // The default flavour is production's: cgroup v2, systemd as the node's PID 1.
        EXPECT_EQ(node["cgroup"], "v2");
        EXPECT_EQ(node["init"], "systemd");
        EXPECT_EQ(m_lab->ssh(node["name"], "cat /proc/1/comm; stat -fc %T /sys/fs/cgroup").out,
                  "systemd\ncgroup2fs\n");
        // The session's runtime is the node's own: its containerd answers at the default path.
        auto seen = m_lab->ssh(node["name"], "echo $SSH_CONNECTION; ctr version >/dev/null && "
                                             "ctr -n k8s.io containers ls -q | wc -l");
        ASSERT_EQ(seen.exit_code, 0) << seen.err;
        std::istringstream fields(seen.out);
        std::string client, client_port, server, server_port;
        int containers = 0;
        fields >> client >> client_port >> server >> server_port >> containers;
        EXPECT_EQ(server, node["address"].get<std::string>());
        EXPECT_EQ(containers, 17) << "8 sandboxes and 9 containers per node";
    }
    EXPECT_EQ(addresses.size(), 3U);
    EXPECT_EQ(host_keys.size(), 3U) << "every node is its own sshd with its own host key";
    auto check = run_process(
        {breakglass::testing::source_dir() + "/lab/fleet", "check", "--name", m_lab->name()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    // Pod names follow generateName: owner + "-" cut to 58, then 5 characters of the alphabet.
    const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::set<std::string> uids;
    for (const auto& [node, pods] : m_lab->pods()["nodes"].items()) {
        ASSERT_EQ(pods.size(), 8U) << node;
        int targets = 0;
        for (const auto& pod : pods) {
            uids.insert(pod["uid"].get<std::string>());
            const auto name = pod["name"].get<std::string>();
            const auto owner = pod["owner"].get<std::string>();
            const auto prefix = (owner.substr(owner.find('/') + 1) + "-").substr(0, 58);
            ASSERT_EQ(name.size(), prefix.size() + 5) << name;
            EXPECT_EQ(name.substr(0, prefix.size()), prefix);
            EXPECT_EQ(name.substr(prefix.size()).find_first_not_of(alphabet), std::string::npos)
                << name;
            if (pod["role"] == "target") {
                ++targets;
                EXPECT_EQ(pod["namespace"], "kube-system");
                EXPECT_EQ(pod["owner"], "DaemonSet/telemetry-agent");
                EXPECT_EQ(pod["containers"].size(), 2U);
            }
        }
        EXPECT_EQ(targets, 1) << node;
    }
    EXPECT_EQ(uids.size(), 24U) << "pod UIDs are unique across the fleet";
}

TEST_F(ContainerdLabReadOnlyTest, MatchFindsExactlyTheTargetPodsOnEveryNodeAndNoDecoy) {
    auto nodes = exec_everywhere(daemonset_match_script("kube-system", "telemetry-agent"));
    ASSERT_EQ(nodes.size(), 3U);
    for (const auto& [node, result] : nodes.items()) {
        ASSERT_EQ(result["status"], "ok") << result.dump();
        auto lines = parse_match(result["stdout"].get<std::string>());
        EXPECT_EQ(identities(lines), expected(pods_of(node), "kube-system", "telemetry-agent"))
            << node << ":\n"
            << result["stdout"].get<std::string>();
        ASSERT_EQ(lines.size(), 3U) << "one sandbox and two containers";
        // The very sandbox and containers the stand-in made, all running with real PIDs.
        std::set<std::string> ids;
        for (const auto& line : lines) {
            ids.insert(line.id);
            EXPECT_EQ(line.state, "running") << line.id;
            EXPECT_GT(line.pid, 1) << line.id;
        }
        std::set<std::string> made;
        for (const auto& pod : pods_of(node)) {
            if (pod["role"] == "target") {
                made.insert(pod["sandbox_id"].get<std::string>());
                for (const auto& container : pod["containers"]) {
                    made.insert(container["id"].get<std::string>());
                }
            }
        }
        EXPECT_EQ(ids, made) << node;
        EXPECT_EQ(lines[0].kind, "sandbox");
    }
}

TEST_F(ContainerdLabReadOnlyTest, EveryDecoyDaemonSetMatchesOnlyItsOwnPodsAndOtherOwnersNone) {
    const std::vector<std::pair<std::string, std::string>> daemonsets{
        {"monitoring", "telemetry-agent"},
        {"kube-system", "telemetry-agent-v2"},
        {"kube-system", "kube-proxy"}};
    for (const auto& [ns, name] : daemonsets) {
        auto nodes = exec_everywhere(daemonset_match_script(ns, name));
        ASSERT_EQ(nodes.size(), 3U);
        for (const auto& [node, result] : nodes.items()) {
            ASSERT_EQ(result["status"], "ok") << result.dump();
            auto lines = parse_match(result["stdout"].get<std::string>());
            EXPECT_EQ(identities(lines), expected(pods_of(node), ns, name)) << ns << "/" << name;
            EXPECT_EQ(lines.size(), 2U) << ns << "/" << name << " on " << node;
        }
    }
    // Owners that are not DaemonSets, and DaemonSets that do not exist: nothing.
    for (const auto& [ns, name] : std::vector<std::pair<std::string, std::string>>{
             {"kube-system", "telemetry-agent-7d9f8b6c5"},
             {"kube-system", "telemetry"},
             {"default", "telemetry-agent"},
             {"monitoring", "kube-proxy"}}) {
        auto nodes = exec_everywhere(daemonset_match_script(ns, name));
        for (const auto& [node, result] : nodes.items()) {
            EXPECT_EQ(result["status"], "ok") << result.dump();
            EXPECT_EQ(result["stdout"], "") << ns << "/" << name << " on " << node;
        }
    }
}

TEST_F(ContainerdLabReadOnlyTest, MatchNeedsRootAndWorksThroughBecome) {
    const auto script = daemonset_match_script("kube-system", "telemetry-agent");
    const auto user = m_lab->description()["users"]["sudo"].get<std::string>();
    auto plain = exec_everywhere(script, {"--user", user});
    auto become = exec_everywhere(script, {"--user", user, "--become"});
    ASSERT_EQ(plain.size(), 3U);
    ASSERT_EQ(become.size(), 3U);
    for (const auto& [node, result] : plain.items()) {
        EXPECT_EQ(result["status"], "failed") << result.dump();
        EXPECT_EQ(result["exit_code"], 5);
        const auto err = result["stderr"].get<std::string>();
        EXPECT_EQ(err.rfind("daemonset_match: ctr tasks ls failed: ", 0), 0U) << err;
        EXPECT_NE(err.find("permission denied"), std::string::npos) << err;
        EXPECT_EQ(become[node]["status"], "ok") << become[node].dump();
        EXPECT_EQ(identities(parse_match(become[node]["stdout"].get<std::string>())),
                  expected(pods_of(node), "kube-system", "telemetry-agent"));
    }
}

TEST_F(ContainerdLabReadOnlyTest, TruncatedNameDaemonSetIsMatchedByItsOwnName) {
    const std::string long_name = "telemetry-agent-node-level-collector-for-cluster-observability";
    ASSERT_GT(long_name.size(), 57U);
    for (const auto& node : {"node0001", "node0002"}) {
        auto lines = match_on(node, "kube-system", long_name);
        EXPECT_EQ(identities(lines), expected(pods_of(node), "kube-system", long_name));
        ASSERT_EQ(lines.size(), 2U);
        EXPECT_EQ(lines[0].name.size(), 63U) << "58-character prefix plus the 5-character suffix";
        EXPECT_EQ(lines[0].name.substr(0, 58), (long_name + "-").substr(0, 58));
        // One character short of the truncation point is another DaemonSet.
        EXPECT_TRUE(match_on(node, "kube-system", long_name.substr(0, 56)).empty());
    }
}

TEST_F(ContainerdLabReadOnlyTest, MatchRunsUnderBusyboxAndDashAndRefusesBadNames) {
    const auto script = daemonset_match_script("kube-system", "telemetry-agent");
    std::string reference;
    for (const std::string shell : {"busybox", "dash", "bash"}) {
        std::vector<std::string> argv{shell, "-c", script};
        if (shell == "busybox") {
            argv.insert(argv.begin() + 1, "sh");
        }
        auto result = m_lab->node_exec("node0001", argv);
        ASSERT_EQ(result.exit_code, 0) << shell << ": " << result.err;
        EXPECT_EQ(parse_match(result.out).size(), 3U) << shell;
        if (reference.empty()) {
            reference = result.out;
        }
        EXPECT_EQ(result.out, reference) << shell << " sees another match";
    }
    // Names are data, never code or patterns.
    for (const auto& [ns, name] : std::vector<std::pair<std::string, std::string>>{
             {"kube-system", "telemetry-agent;touch /tmp/bg-injected"},
             {"kube-system", "telemetry-*"},
             {"kube-system", ""},
             {"Kube-System", "telemetry-agent"},
             {"kube-system", "telemetry-agent-"}}) {
        auto result = m_lab->ssh("node0001", daemonset_match_script(ns, name));
        EXPECT_EQ(result.exit_code, 2) << ns << "/" << name << ": " << result.out;
        EXPECT_EQ(result.out, "");
        EXPECT_NE(result.err.find("daemonset_match: DS_"), std::string::npos) << result.err;
    }
    EXPECT_FALSE(std::filesystem::exists("/tmp/bg-injected"));
    // A systemd node has a /tmp of its own: look there too.
    EXPECT_NE(m_lab->node_exec("node0001", {"test", "-e", "/tmp/bg-injected"}).exit_code, 0);
}

// The systemctl shim of nodes without systemd (--init none); systemd nodes run the real one.
TEST_F(ContainerdLabTest, KubeletStandInRecreatesAKilledContainerAndNotOnceStoppedThroughShim) {
    start(1, {}, {"--init", "none"});
    const std::string node = "node0001";
    auto running_ids = [&](const std::string& container) {
        std::set<std::string> ids;
        for (const auto& line : match_on(node, "kube-system", "telemetry-agent")) {
            if (line.kind == "container" && line.name == container && line.state == "running") {
                ids.insert(line.id);
            }
        }
        return ids;
    };
    auto wait_for_new = [&](const std::string& container, const std::string& old_id,
                            std::chrono::seconds limit) {
        const auto started = Clock::now();
        while (Clock::now() - started < limit) {
            auto ids = running_ids(container);
            if (!ids.empty() && ids.count(old_id) == 0) {
                return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                             started);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return std::chrono::milliseconds(-1);
    };

    auto expect_kubelet = [&](const std::string& state, int exit_code) {
        auto result = m_lab->ssh(node, "systemctl is-active kubelet");
        EXPECT_EQ(result.exit_code, exit_code);
        EXPECT_EQ(result.out, state + "\n");
    };
    // Kills the one running instance of CONTAINER with `ctr tasks kill ARGS`; returns its ID.
    auto kill_running = [&](const std::string& container, const std::string& args) {
        auto ids = running_ids(container);
        EXPECT_EQ(ids.size(), 1U) << container;
        const std::string id = ids.empty() ? std::string("none") : *ids.begin();
        EXPECT_EQ(m_lab->ssh(node, "ctr -n k8s.io tasks kill " + args + id).exit_code, 0);
        return id;
    };

    // The kubelet is running; a container stopped behind its back (SIGTERM, as `ctr tasks kill`
    // sends by default) is replaced within a few seconds by a new one; the dead one is kept.
    expect_kubelet("active", 0);
    const std::string agent = kill_running("agent", "");
    // A minute only bounds a hang; how fast is not this suite's business (it also runs under the
    // sanitizers on a loaded machine).
    auto took = wait_for_new("agent", agent, std::chrono::seconds(60));
    ASSERT_GE(took.count(), 0) << "the stand-in did not recreate the killed container";
    std::cout << "killed container replaced after " << took.count() << " ms\n";
    bool old_kept = false;
    for (const auto& line : match_on(node, "kube-system", "telemetry-agent")) {
        old_kept = old_kept || (line.id == agent && line.state == "stopped");
    }
    EXPECT_TRUE(old_kept) << "the exited container stays, as under the kubelet";

    // Stopped through the shim (with sudo, as the playbooks do it), it recreates nothing.
    auto stop = m_lab->ssh(node, "sudo -n systemctl stop kubelet", "bglab");
    ASSERT_EQ(stop.exit_code, 0) << stop.err;
    expect_kubelet("inactive", 3);
    const std::string shipper = kill_running("log-shipper", "-s SIGKILL ");
    // Stopped means no stand-in process at all (the shim's is-active above checks its PID), so
    // nothing can recreate the container: that state, not a wait for nothing to happen.
    EXPECT_TRUE(running_ids("log-shipper").empty());

    // mask --runtime keeps it from starting until unmask; then it catches up.
    EXPECT_EQ(m_lab->ssh(node, "systemctl mask --runtime kubelet").exit_code, 0);
    auto masked = m_lab->ssh(node, "systemctl start kubelet");
    EXPECT_EQ(masked.exit_code, 1);
    EXPECT_NE(masked.err.find("Unit kubelet.service is masked."), std::string::npos) << masked.err;
    expect_kubelet("inactive", 3);
    EXPECT_EQ(m_lab->ssh(node, "systemctl unmask --runtime kubelet").exit_code, 0);
    EXPECT_EQ(m_lab->ssh(node, "systemctl start kubelet").exit_code, 0);
    expect_kubelet("active", 0);
    EXPECT_GE(wait_for_new("log-shipper", shipper, std::chrono::seconds(60)).count(), 0);

    // Other units are unknown to the shim, and the host's systemctl is not the shim.
    EXPECT_EQ(m_lab->ssh(node, "systemctl stop containerd").exit_code, 5);
    EXPECT_EQ(read_file("/usr/bin/systemctl").substr(0, 4), "\x7f"
                                                            "ELF");
    EXPECT_EQ(m_lab->ssh(node, "head -c 9 /usr/bin/systemctl").out, "#!/bin/sh");
}

TEST_F(ContainerdLabTest, NodeWithoutContainerdOrItsSocketFailsWithThatReason) {
    start(3, {"node0002:no-runtime", "node0003:no-socket"});
    auto nodes = exec_everywhere(daemonset_match_script("kube-system", "telemetry-agent"));
    ASSERT_EQ(nodes.size(), 3U);
    EXPECT_EQ(nodes["node0001"]["status"], "ok") << nodes["node0001"].dump();
    EXPECT_EQ(parse_match(nodes["node0001"]["stdout"].get<std::string>()).size(), 3U);

    EXPECT_EQ(nodes["node0002"]["status"], "failed");
    EXPECT_EQ(nodes["node0002"]["exit_code"], 3);
    EXPECT_EQ(nodes["node0002"]["stderr"], "daemonset_match: neither ctr nor crictl found: no "
                                           "container runtime is installed on this node\n");
    EXPECT_EQ(nodes["node0003"]["status"], "failed");
    EXPECT_EQ(nodes["node0003"]["exit_code"], 4);
    EXPECT_EQ(nodes["node0003"]["stderr"],
              "daemonset_match: containerd socket missing at /run/containerd/containerd.sock and "
              "/run/k3s/containerd/containerd.sock: the runtime is not running (or give "
              "runtime_socket)\n");

    // containerd killed behind its socket: ctr's own error is the reason.
    auto pid = m_lab->description()["nodes"][0]["containerd_pid"].get<int>();
    ASSERT_EQ(run_process({"kill", "-9", std::to_string(pid)}).exit_code, 0);
    // Gone (or a zombie) before ctr asks it anything: a state, not a sleep.
    for (int tries = 0; tries < 600; ++tries) {
        const std::string stat = read_vanishing_file("/proc/" + std::to_string(pid) + "/stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos || stat.compare(close + 2, 1, "Z") == 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto after = m_lab->ssh("node0001", daemonset_match_script("kube-system", "telemetry-agent"));
    EXPECT_EQ(after.exit_code, 5) << after.out << after.err;
    // The matcher's first ctr call fails (which one is the matcher's business), with ctr's text.
    EXPECT_EQ(after.err.rfind("daemonset_match: ctr ", 0), 0U) << after.err;
    EXPECT_NE(after.err.find(" failed: "), std::string::npos) << after.err;
    EXPECT_EQ(after.out, "");
}

// Processes (not zombies) that belong to the fleet, as "PID STARTTIME (COMM)": in its cgroups,
// naming its folder or one of its container IDs on their command line, or (only when listed in
// `seen`, since a freed namespace's inode number is soon reused by another test's fleet) in a
// node's mount namespace.
std::vector<std::string> fleet_processes(const nlohmann::json& description,
                                         const nlohmann::json& pods,
                                         const std::set<std::string>* seen = nullptr) {
    std::set<std::string> mount_namespaces;
    for (const auto& node : description["nodes"]) {
        mount_namespaces.insert(node["mnt_ns"].get<std::string>());
    }
    std::vector<std::string> ids;
    for (const auto& [node, node_pods] : pods["nodes"].items()) {
        for (const auto& pod : node_pods) {
            ids.push_back(pod["sandbox_id"].get<std::string>());
        }
    }
    const auto dir = description["dir"].get<std::string>();
    const auto cgroup = description["cgroup"].get<std::string>() + "/";
    std::vector<std::string> found;
    std::error_code walk_error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", walk_error)) {
        const auto pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        // The process may exit between the listing and any read: every read tolerates that.
        const std::string stat_text = read_vanishing_file(entry.path() / "stat");
        const std::string stat = stat_text.substr(0, stat_text.find('\n'));
        auto close = stat.rfind(')');
        if (close == std::string::npos || stat.substr(close + 2, 1) == "Z") {
            continue;
        }
        const auto cmdline = read_vanishing_file(entry.path() / "cmdline");
        const auto cgroups = read_vanishing_file(entry.path() / "cgroup");
        std::error_code error;
        auto mnt = std::filesystem::read_symlink(entry.path() / "ns/mnt", error).string();
        std::istringstream after_comm(stat.substr(close + 2));
        std::string start_time; // field 22; the fields after the command name start at 3
        for (int index = 3; index <= 22; ++index) {
            after_comm >> start_time;
        }
        const auto open = stat.find('(');
        const auto key = pid + " " + start_time + " " + stat.substr(open, close - open + 1);
        bool ours =
            cgroups.find(cgroup) != std::string::npos || cmdline.find(dir) != std::string::npos ||
            (mount_namespaces.count(mnt) != 0 && (seen == nullptr || seen->count(key) != 0));
        for (const auto& id : ids) {
            ours = ours || cmdline.find(id) != std::string::npos;
        }
        if (ours) {
            found.push_back(key);
        }
    }
    return found;
}

// Issue 16: where the runtime and the kubelet are comes node by node from the inventory (a
// node's own field, else the inventory's default), and a setting given for the run beats both.
TEST_F(ContainerdLabReadOnlyTest, RuntimeSocketAndKubeletUnitComeFromTheInventoryNodeByNode) {
    std::ifstream stream(m_fleet->inventory);
    nlohmann::json document = nlohmann::json::parse(stream);
    document["defaults"]["kubelet_unit"] = "rke2-agent";
    document["nodes"][0]["kubelet_unit"] = "kubelet";
    document["nodes"][1]["runtime_socket"] = "/run/breakglass-nowhere/containerd.sock";
    const std::string inventory = m_fleet->dir.path() + "/node-runtimes.json";
    std::ofstream(inventory) << document.dump(2);
    auto signed_ = breakglass::testing::run_process(
        {"ssh-keygen", "-q", "-Y", "sign", "-n", "breakglass-inventory", "-f",
         m_lab->description()["signer_key"].get<std::string>(), inventory});
    ASSERT_EQ(signed_.exit_code, 0) << signed_.err;

    const auto status = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args{"daemonset", "status", "kube-system/telemetry-agent", "-o",
                                      "json"};
        args.insert(args.end(), m_fleet->flags.begin(), m_fleet->flags.end());
        args.insert(args.end(), {"-i", inventory});
        args.insert(args.end(), extra.begin(), extra.end());
        auto result = m_lab->breakglass(args);
        EXPECT_FALSE(result.timed_out);
        return std::make_pair(result, nodes_by_name(nlohmann::json::parse(result.out)));
    };
    auto [result, nodes] = status({});
    EXPECT_EQ(result.exit_code, 1) << "node0002's socket is nowhere: " << result.err;
    EXPECT_EQ(nodes["node0001"]["outcome"], "running") << nodes["node0001"];
    EXPECT_EQ(nodes["node0001"]["facts"]["kubelet_unit"], "kubelet");
    EXPECT_EQ(nodes["node0001"]["facts"]["kubelet_state"], "active");
    EXPECT_EQ(nodes["node0002"]["outcome"], "failed") << nodes["node0002"];
    EXPECT_NE(nodes["node0002"]["message"].get<std::string>().find("/run/breakglass-nowhere"),
              std::string::npos)
        << nodes["node0002"];
    EXPECT_EQ(nodes["node0003"]["outcome"], "running") << nodes["node0003"];
    EXPECT_EQ(nodes["node0003"]["facts"]["kubelet_unit"], "rke2-agent") << "the default";
    EXPECT_NE(nodes["node0003"]["facts"]["kubelet_state"], "active") << nodes["node0003"];

    // The responder's flags beat the inventory on every node.
    auto [flagged, flagged_nodes] = status(
        {"--runtime-socket", "/run/containerd/containerd.sock", "--kubelet-unit", "kubelet"});
    EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
    for (const char* node : {"node0001", "node0002", "node0003"}) {
        EXPECT_EQ(flagged_nodes[node]["outcome"], "running") << flagged_nodes[node];
        EXPECT_EQ(flagged_nodes[node]["facts"]["kubelet_unit"], "kubelet");
        EXPECT_EQ(flagged_nodes[node]["facts"]["runtime_socket"],
                  "/run/containerd/containerd.sock");
    }
}

TEST_F(ContainerdLabReadOnlyTest, DownLeavesNoProcessMountOrCgroupBehind) {
    const auto description = m_lab->description();
    const auto pods = m_lab->pods();
    const auto cgroup = description["cgroup"].get<std::string>();
    // A paused (frozen) container and a stray process started in a node both go down too.
    const auto paused = pods["nodes"]["node0001"][0]["containers"][0]["id"].get<std::string>();
    ASSERT_EQ(m_lab->ssh("node0001", "ctr -n k8s.io tasks pause " + paused).exit_code, 0);
    std::string paused_state;
    for (const auto& line : match_on("node0001", "kube-system", "telemetry-agent")) {
        paused_state = line.id == paused ? line.state : paused_state;
    }
    EXPECT_EQ(paused_state, "paused") << "the match reports the task's state";
    ASSERT_EQ(m_lab->ssh("node0002", "setsid sleep 100000 </dev/null >/dev/null 2>&1 &").exit_code,
              0);
    auto before = fleet_processes(description, pods);
    const std::set<std::string> seen(before.begin(), before.end());
    // containerd, kubelet stand-in and sshd per node, a shim per pod, two processes per container
    EXPECT_GT(before.size(), 3U * (3 + 8) + 17U) << "the scan must see the fleet while it is up";
    EXPECT_TRUE(std::filesystem::exists("/sys/fs/cgroup/pids" + cgroup));

    auto down = m_lab->down();
    ASSERT_EQ(down.exit_code, 0) << down.err;
    std::vector<std::string> left;
    for (int tries = 0; tries < 50; ++tries) { // PID 1 may take a moment to reap
        left = fleet_processes(description, pods, &seen);
        if (left.empty()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(left.empty()) << ::testing::PrintToString(left);
    for (const auto& hierarchy : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
        EXPECT_FALSE(std::filesystem::exists(hierarchy.path().string() + cgroup))
            << hierarchy.path();
    }
    EXPECT_EQ(read_file("/proc/self/mountinfo").find(description["dir"].get<std::string>()),
              std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(description["dir"].get<std::string>()));
    EXPECT_EQ(
        run_process({"ip", "netns", "list"}).out.find(description["netns"].get<std::string>()),
        std::string::npos);
    auto again = run_process(
        {breakglass::testing::source_dir() + "/lab/fleet", "down", "--name", m_lab->name()});
    EXPECT_EQ(again.exit_code, 0) << again.err;
}

} // namespace
