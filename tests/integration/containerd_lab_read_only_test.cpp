// The containerd lab (lab/fleet up --containerd) and the one DaemonSet matching rule
// (playbooks/lib/daemonset_match.sh), the checks that change nothing: one fleet of three nodes
// (the production-shaped default: cgroup v2, systemd as each node's PID 1) shared by every case,
// real containerd and runc, CRI-labelled pods next to decoys that must never match. The cases
// that change a fleet are in containerd_lab_test.cpp.
#include "tests/integration/support/containerd_lab_fixture.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/match_lines.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::daemonset_match_script;
using breakglass::testing::expected_identities;
using breakglass::testing::identities;
using breakglass::testing::nodes_by_name;
using breakglass::testing::parse_match;
using breakglass::testing::read_text;
using breakglass::testing::read_vanishing_file;
using breakglass::testing::run_process;
using breakglass::testing::SignedFleet;
using breakglass::testing::source_dir;

namespace {

// The checks that change nothing on the fleet share one fleet of three nodes, and the last case
// (declared last: gtest runs a suite's cases in the order written) takes it down and checks that
// nothing is left. The suite is one ctest test (CMakeLists.txt, SHARED_FLEET_SUITES).
class ContainerdLabReadOnlyTest : public breakglass::testing::ContainerdLabFixture {
protected:
    static void SetUpTestSuite() {
        s_fleet.bring_up("read-only", 3, std::vector<std::string>{}, std::vector<std::string>{});
    }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        ContainerdLabFixture::SetUp();
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
        EXPECT_EQ(identities(lines),
                  expected_identities(pods_of(node), "kube-system", "telemetry-agent"))
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
            EXPECT_EQ(identities(lines), expected_identities(pods_of(node), ns, name))
                << ns << "/" << name;
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

// The two readers of daemonset_match.sh against the same real containerd: its gRPC API through
// curl (what nodes with curl use) and ctr (CURL=none). Every DaemonSet, decoy and other owner of
// the lab's pods must get the very same lines and facts from both.
TEST_F(ContainerdLabReadOnlyTest, ContainerdsApiAndCtrGiveTheSameAnswerForEveryName) {
    const std::vector<std::string> names{
        "kube-system/telemetry-agent",
        "monitoring/telemetry-agent",
        "kube-system/telemetry-agent-v2",
        "kube-system/kube-proxy",
        "kube-system/telemetry-agent-7d9f8b6c5",
        "kube-system/telemetry",
        "kube-system/telemetry-agent-node-level-collector-for-cluster-observability"};
    std::string script =
        read_text(source_dir() + "/playbooks/lib/daemonset_match.sh") + "\nfor name in";
    for (const auto& name : names) {
        script += " " + name;
    }
    script += R"(; do
  DS_NAMESPACE=${name%/*} DS_NAME=${name#*/}
  for reader in api ctr; do
    echo "== $name $reader"
    [ $reader = api ] && CURL= || CURL=none
    bg_ds_match --facts 2>&1 || echo "exit $?"
  done
done
)";
    auto nodes = exec_everywhere(script);
    ASSERT_EQ(nodes.size(), 3U);
    for (const auto& [node, result] : nodes.items()) {
        ASSERT_EQ(result["status"], "ok") << result.dump();
        // "== NAME READER" -> its lines, the read_via fact kept apart (the one that differs).
        std::map<std::string, std::multiset<std::string>> answers;
        std::map<std::string, std::string> read_via;
        std::istringstream lines(result["stdout"].get<std::string>());
        std::string section;
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("== ", 0) == 0) {
                section = line.substr(3);
                answers[section];
            } else if (line.rfind("fact read_via ", 0) == 0) {
                read_via[section] = line.substr(14);
            } else {
                answers[section].insert(line);
            }
        }
        for (const auto& name : names) {
            const std::string api = name + " api";
            const std::string ctr = name + " ctr";
            EXPECT_EQ(read_via[api], "api") << node << " " << name;
            EXPECT_EQ(read_via[ctr], "ctr") << node << " " << name;
            EXPECT_EQ(answers[api], answers[ctr]) << node << " " << name;
            EXPECT_EQ(answers[api].count("exit 5"), 0U) << node << " " << name;
        }
        // The target's three lines, each decoy DaemonSet's two, among the runtime's four facts.
        EXPECT_EQ(answers["kube-system/telemetry-agent api"].size(), 3U + 3U) << node;
        EXPECT_EQ(answers["kube-system/kube-proxy api"].size(), 2U + 3U) << node;
        EXPECT_EQ(answers["kube-system/telemetry api"].size(), 3U) << node;
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
        EXPECT_EQ(err, "daemonset_match: permission denied on /run/containerd/containerd.sock: "
                       "containerd's socket is root's (run with become)\n");
        EXPECT_EQ(become[node]["status"], "ok") << become[node].dump();
        EXPECT_EQ(identities(parse_match(become[node]["stdout"].get<std::string>())),
                  expected_identities(pods_of(node), "kube-system", "telemetry-agent"));
    }
}

TEST_F(ContainerdLabReadOnlyTest, TruncatedNameDaemonSetIsMatchedByItsOwnName) {
    const std::string long_name = "telemetry-agent-node-level-collector-for-cluster-observability";
    ASSERT_GT(long_name.size(), 57U);
    for (const auto& node : {"node0001", "node0002"}) {
        auto lines = match_on(node, "kube-system", long_name);
        EXPECT_EQ(identities(lines), expected_identities(pods_of(node), "kube-system", long_name));
        ASSERT_EQ(lines.size(), 2U);
        EXPECT_EQ(lines[0].name.size(), 63U) << "58-character prefix plus the 5-character suffix";
        EXPECT_EQ(lines[0].name.substr(0, 58), (long_name + "-").substr(0, 58));
        // One character short of the truncation point is another DaemonSet.
        EXPECT_TRUE(match_on(node, "kube-system", long_name.substr(0, 56)).empty());
    }
}

TEST_F(ContainerdLabReadOnlyTest, MatchRunsUnderBusyboxAndDashAndRefusesBadNames) {
    std::string script = daemonset_match_script("kube-system", "telemetry-agent");
    script.insert(script.size() - 1, " --facts");
    std::string reference;
    for (const std::string shell : {"busybox", "dash", "bash"}) {
        std::vector<std::string> argv{shell, "-c", script};
        if (shell == "busybox") {
            argv.insert(argv.begin() + 1, "sh");
        }
        auto result = m_lab->node_exec("node0001", argv);
        ASSERT_EQ(result.exit_code, 0) << shell << ": " << result.err;
        // Every shell reads through containerd's API (busybox sh with busybox's od and awk).
        const std::string api = "fact read_via api\n";
        ASSERT_NE(result.out.find(api), std::string::npos) << shell << ": " << result.out;
        result.out.erase(0, result.out.find(api) + api.size());
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

// The last run's job_sha256 in the audit log at PATH: "run" for its run-start, and each node's
// from its wave-start.
std::map<std::string, std::string> last_run_digests(const std::string& path) {
    std::map<std::string, std::string> digests;
    std::istringstream lines(read_text(path));
    for (std::string line; std::getline(lines, line);) {
        const nlohmann::json record = nlohmann::json::parse(line);
        if (record["type"] == "run-start") {
            digests = {{"run", record["job_sha256"].get<std::string>()}};
        } else if (record["type"] == "wave-start") {
            for (const auto& node : record["nodes"]) {
                digests[node["node"].get<std::string>()] = node["job_sha256"].get<std::string>();
            }
        }
    }
    return digests;
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
    // The audit log names what each node was sent: node0001's runtime is the run's, so it got
    // the run's job; node0002 and node0003 each got a job of their own (another socket, another
    // unit), so each has its own digest.
    const std::string audit_log = m_lab->description()["dir"].get<std::string>() + "/audit.jsonl";
    auto digests = last_run_digests(audit_log);
    ASSERT_EQ(digests.size(), 4U) << "run-start and three nodes";
    EXPECT_EQ(digests["node0001"], digests["run"]);
    EXPECT_NE(digests["node0002"], digests["run"]);
    EXPECT_NE(digests["node0003"], digests["run"]);
    EXPECT_NE(digests["node0002"], digests["node0003"]);

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
    digests = last_run_digests(audit_log);
    for (const char* node : {"node0001", "node0002", "node0003"}) {
        EXPECT_EQ(digests[node], digests["run"]) << node << ": the flags gave every node one job";
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
    EXPECT_EQ(read_text("/proc/self/mountinfo").find(description["dir"].get<std::string>()),
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
