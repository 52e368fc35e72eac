// `breakglass daemonset isolate/unisolate` (playbooks/lib/pod_isolation.sh) against the
// containerd lab's pod network: real containerd and runc, pods in their own network namespaces
// joined to the fleet's bridge, an API server stand-in on the gateway (lab/pod_network.sh). What
// counts is seen from inside the pods: a connection to a lab address fails, loopback works.
#include "tests/integration/support/containment_fixture.hpp"
#include "tests/integration/support/files.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::ProcessResult;
using breakglass::testing::TempDir;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string k_target = "kube-system/telemetry-agent";

// Every case acts on one shared fleet of two nodes (the suite is one ctest test: CMakeLists.txt,
// SHARED_FLEET_SUITES). The cases about one pod act on the first node only (--nodes); each case
// leaves the fleet as it found it: the target pods not isolated (its last step, asserted), and
// the tasks it made by hand removed (TearDown, also when it failed half-way).
class IsolationTest : public breakglass::testing::ContainmentFixture {
protected:
    static void SetUpTestSuite() {
        s_fleet.bring_up("isolation", 2, std::vector<std::string>{}, std::vector<std::string>{});
    }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        ContainmentFixture::SetUp();
        if (IsSkipped()) {
            return;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        use(*s_fleet.get());
    }

    void TearDown() override {
        if (m_lab == nullptr) {
            return;
        }
        remove_by_hand();
        if (HasFailure()) {
            // Best effort for the cases after this one; the failure is already reported.
            daemonset({"unisolate", k_target});
        }
    }

    // Removes the tasks and containers this case started by hand (the stand-in does not know
    // them, so nothing recreates them).
    void remove_by_hand() {
        for (const auto& [node, id] : m_by_hand) {
            m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "tasks", "delete", "-f", id});
            const auto deleted =
                m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "containers", "delete", id});
            EXPECT_EQ(deleted.exit_code, 0) << node << " " << id << ": " << deleted.err;
        }
        m_by_hand.clear();
    }

    // Every IPv4 and IPv6 filter rule in the network namespace of PID on NODE (`-S`).
    std::string sandbox_rules(const std::string& node, long pid) const {
        std::string rules;
        for (const std::string family : {"iptables", "ip6tables"}) {
            const auto listed =
                m_lab->node_exec(node, {"nsenter", "-t", std::to_string(pid), "-n", family, "-S"});
            EXPECT_EQ(listed.exit_code, 0) << family << ": " << listed.err;
            rules += family + ":\n" + listed.out;
        }
        return rules;
    }

    // `daemonset ARGS...` on the first node only.
    nlohmann::json on_first_node(std::vector<std::string> args, int* exit_code = nullptr) const {
        args.insert(args.end(), {"--nodes", m_nodes.front()});
        return daemonset(std::move(args), exit_code);
    }

    static inline breakglass::testing::SuiteFleet<breakglass::testing::SignedFleet> s_fleet;
    // Tasks this case started by hand (node, ID): TearDown removes them.
    std::vector<std::pair<std::string, std::string>> m_by_hand;

    // The running containers of NODE's pods of ROLE (target or decoy), as the stand-in runs
    // them now (it may have recreated some).
    std::vector<std::string> containers(const std::string& node, const std::string& role) const {
        std::vector<std::string> ids;
        const auto node_dir = node_entry(node)["node_dir"].get<std::string>();
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            if (pod["role"] != role) {
                continue;
            }
            for (const auto& container : pod["containers"]) {
                ids.push_back(breakglass::testing::first_line(
                    node_dir + "/kubelet/state/" + pod["uid"].get<std::string>() + "/" +
                    container["name"].get<std::string>() + ".id"));
            }
        }
        return ids;
    }

    const nlohmann::json& node_entry(const std::string& node) const {
        for (const auto& entry : m_lab->description()["nodes"]) {
            if (entry["name"] == node) {
                return entry;
            }
        }
        throw std::invalid_argument("no node " + node);
    }

    // From inside CONTAINER: does a TCP connection to ADDRESS's API server stand-in succeed?
    // A connection that should succeed gets ATTEMPTS tries: busybox nc's -w also bounds the
    // wait for the answer, which a heavily loaded machine can miss.
    bool reaches(const std::string& node, const std::string& container, const std::string& address,
                 int attempts = 1) const {
        const auto port =
            std::to_string(m_lab->description()["pod_network"]["api_port"].get<int>());
        for (int attempt = 0; attempt < attempts; ++attempt) {
            auto probe =
                m_lab->pod_exec(node, container, "nc -w 3 " + address + " " + port + " </dev/null");
            if (probe.exit_code == 0 &&
                probe.out.find("API server stand-in") != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    // From inside CONTAINER: a listener on the pod's loopback answers (the client retries until
    // the listener is up, which takes a moment on a loaded machine).
    bool loopback_works(const std::string& node, const std::string& container) const {
        auto probe = m_lab->pod_exec(node, container,
                                     "nc -l -p 8081 -e echo loopback-ok & for i in 1 2 3 4 5 6 7 8 "
                                     "9 10; do nc -w 2 127.0.0.1 8081 </dev/null && break; sleep "
                                     "0.2; done 2>/dev/null");
        return probe.out.find("loopback-ok") != std::string::npos;
    }

    std::string gateway() const {
        return m_lab->description()["pod_network"]["gateway"].get<std::string>();
    }
    std::string service() const {
        return m_lab->description()["pod_network"]["service"].get<std::string>();
    }

    // Starts task ID on NODE by hand with `ctr run FLAGS...` (the stand-in does not know it, so
    // nothing recreates it), in the node's cgroup so that the fleet's teardown ends it. No CPU
    // shares: cgroup v2 nodes here have no cpu controller (LAB-NOTES).
    void run_by_hand(const std::string& node, const std::string& id,
                     const std::vector<std::string>& flags) {
        const auto& description = m_lab->description();
        std::string cgroup_parent;
        for (const auto& entry : description["nodes"]) {
            if (entry["name"] == node) {
                cgroup_parent = entry["cgroup_parent"].get<std::string>();
            }
        }
        std::vector<std::string> argv{
            "ctr",       "-n",           "k8s.io", "run",      "-d",
            "--null-io", "--cpu-shares", "0",      "--cgroup", cgroup_parent + "/" + id};
        argv.insert(argv.end(), flags.begin(), flags.end());
        argv.insert(argv.end(), {"--rootfs", description["rootfs"].get<std::string>(), id,
                                 "/bin/sleep", "100000000"});
        m_by_hand.emplace_back(node, id);
        auto made = m_lab->node_exec(node, argv);
        ASSERT_EQ(made.exit_code, 0) << id << ": " << made.err;
    }

    // A pod of the target DaemonSet made by hand: sandbox POD-sandbox in a fresh network
    // namespace (loopback only) and its container `agent` with capability flags CAPS.
    void target_pod_by_hand(const std::string& node, const std::string& pod,
                            const std::vector<std::string>& caps) {
        const std::string uid = "5e0c7a1b-2d3f-4a5b-8c6d-" + pod.substr(pod.size() - 5) + "0000000";
        const std::vector<std::string> pod_labels{
            "--label", "io.kubernetes.pod.name=" + pod,
            "--label", "io.kubernetes.pod.namespace=kube-system",
            "--label", "io.kubernetes.pod.uid=" + uid};
        std::vector<std::string> sandbox{"--label", "io.cri-containerd.kind=sandbox",
                                         "--label", "controller-revision-hash=6b8f9c7d5b",
                                         "--label", "pod-template-generation=3"};
        sandbox.insert(sandbox.end(), pod_labels.begin(), pod_labels.end());
        ASSERT_NO_FATAL_FAILURE(run_by_hand(node, pod + "-sandbox", sandbox));
        const long sandbox_pid = m_lab->task_pids(node).at(pod + "-sandbox");
        std::vector<std::string> agent{
            "--label",   "io.cri-containerd.kind=container",
            "--label",   "io.kubernetes.container.name=agent",
            "--with-ns", "network:/proc/" + std::to_string(sandbox_pid) + "/ns/net"};
        agent.insert(agent.end(), pod_labels.begin(), pod_labels.end());
        agent.insert(agent.end(), caps.begin(), caps.end());
        ASSERT_NO_FATAL_FAILURE(run_by_hand(node, pod + "-agent", agent));
    }

    // Loads RULES (iptables-restore --noflush input) into the network namespace of PID on NODE,
    // for IPv4 and IPv6: what a process with CAP_NET_ADMIN in that pod could do.
    void load_rules(const std::string& node, long pid, const std::string& rules) const {
        for (const std::string family : {"iptables", "ip6tables"}) {
            auto loaded = m_lab->node_exec(
                node, {"sh", "-c",
                       "printf '%s' \"$1\" | nsenter -t \"$2\" -n " + family + "-restore --noflush",
                       "sh", rules, std::to_string(pid)});
            ASSERT_EQ(loaded.exit_code, 0) << family << ": " << loaded.err;
        }
    }

    std::string target_sandbox(const std::string& node) const {
        std::string sandbox;
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            sandbox = pod["role"] == "target" ? pod["sandbox_id"].get<std::string>() : sandbox;
        }
        return sandbox;
    }

    // Every task on every node that is not the target's: ID -> PID (they must never change).
    std::map<std::string, long> other_tasks() const {
        std::set<std::string> target;
        for (const auto& node : m_nodes) {
            for (const auto& id : containers(node, "target")) {
                target.insert(id);
            }
        }
        std::map<std::string, long> out;
        for (const auto& node : m_nodes) {
            for (const auto& [id, pid] : m_lab->task_pids(node)) {
                if (target.count(id) == 0) {
                    out[id] = pid;
                }
            }
        }
        return out;
    }
};

TEST_F(IsolationTest, IsolateCutsOnlyTheTargetsEgressKeepsLoopbackSurvivesTheKubeletAndUndoes) {
    for (const auto& node : m_nodes) {
        for (const auto& id : containers(node, "target")) {
            ASSERT_TRUE(reaches(node, id, gateway(), 3)) << "the lab's pod network is down";
        }
    }
    const auto others_before = other_tasks();

    const auto isolated = daemonset({"isolate", k_target});
    EXPECT_EQ(isolated["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& [name, node] : by_node(isolated)) {
        EXPECT_EQ(node["remaining"], 0) << name;
        ASSERT_EQ(node["changes"].size(), 1U) << name; // the one target pod
        EXPECT_EQ(node["changes"][0]["to"], "isolated");
    }
    for (const auto& node : m_nodes) {
        for (const auto& id : containers(node, "target")) {
            EXPECT_FALSE(reaches(node, id, gateway())) << node << " " << id;
            EXPECT_FALSE(reaches(node, id, service())) << node << " " << id;
            EXPECT_TRUE(loopback_works(node, id)) << node << " " << id;
        }
        for (const auto& id : containers(node, "decoy")) {
            EXPECT_TRUE(reaches(node, id, gateway(), 3)) << "decoy " << id << " on " << node;
        }
    }
    EXPECT_EQ(other_tasks(), others_before) << "a decoy (or a daemon) was restarted";

    const auto again = daemonset({"isolate", k_target});
    EXPECT_EQ(again["summary"], nlohmann::json({{"already_contained", 2}}));
    for (const auto& [name, node] : by_node(again)) {
        EXPECT_TRUE(node["changes"].empty()) << name;
    }

    // The kubelet recreates a killed container in the same (isolated) sandbox namespace.
    const std::string node = m_nodes.front();
    const auto agent = containers(node, "target").front();
    ASSERT_EQ(
        m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", agent})
            .exit_code,
        0);
    std::string recreated;
    for (auto until = Clock::now() + 10s; Clock::now() < until && recreated.empty();) {
        const auto now = containers(node, "target").front();
        if (now != agent && m_lab->task_pids(node).count(now) != 0) {
            recreated = now;
        }
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_FALSE(recreated.empty()) << "the kubelet stand-in did not recreate the agent";
    // In the sandbox's (isolated) namespace, not one of its own where nothing is reachable anyway.
    const auto namespaces = m_lab->task_net_namespaces(node); // read inside: PIDs are the node's
    EXPECT_EQ(namespaces.at(recreated), namespaces.at(target_sandbox(node)));
    EXPECT_FALSE(reaches(node, recreated, gateway())) << "a recreated container escaped";
    EXPECT_EQ(daemonset({"isolate", k_target})["summary"],
              nlohmann::json({{"already_contained", 2}}));

    const auto restored = daemonset({"unisolate", k_target});
    EXPECT_EQ(restored["summary"], nlohmann::json({{"restored", 2}}));
    for (const auto& [name, entry] : by_node(restored)) {
        EXPECT_EQ(entry["remaining"], 0) << name;
    }
    for (const auto& each : m_nodes) {
        for (const auto& id : containers(each, "target")) {
            EXPECT_TRUE(reaches(each, id, gateway(), 3)) << each << " " << id;
        }
    }
    EXPECT_EQ(daemonset({"unisolate", k_target})["summary"],
              nlohmann::json({{"already_restored", 2}}));
    EXPECT_EQ(daemonset({"unisolate", "kube-system/no-such-daemonset"})["summary"],
              nlohmann::json({{"nothing_to_do", 2}}));
}

TEST_F(IsolationTest, DestinationsDropOnlyTrafficToThemAndBadOnesChangeNothing) {
    const std::string node = m_nodes.front();
    const auto agent = containers(node, "target").front();

    int exit_code = -1;
    // Fails on purpose: no canary, no budget stop (exit 1 as any failed node, not 6).
    const auto bad = on_first_node({"isolate", k_target, "--destination", "198.18.0.400",
                                    "--canary", "0", "--max-failures", "100%"},
                                   &exit_code);
    EXPECT_EQ(exit_code, 1);
    EXPECT_EQ(by_node(bad)[node]["reason"], "bad-input");
    EXPECT_TRUE(reaches(node, agent, gateway(), 3));

    const auto only_gateway = on_first_node({"isolate", k_target, "--destination", gateway()});
    EXPECT_EQ(only_gateway["summary"], nlohmann::json({{"contained", 1}}));
    EXPECT_FALSE(reaches(node, agent, gateway()));
    EXPECT_TRUE(reaches(node, agent, service(), 3)) << "only the given destination is dropped";
    EXPECT_EQ(on_first_node({"isolate", k_target, "--destination", gateway()})["summary"],
              nlohmann::json({{"already_contained", 1}}));

    // All egress now: the rules are replaced, not added to.
    const auto all = on_first_node({"isolate", k_target});
    EXPECT_EQ(all["summary"], nlohmann::json({{"contained", 1}}));
    EXPECT_FALSE(reaches(node, agent, service()));
    const std::string sandbox = target_sandbox(node);
    const auto sandbox_pid = m_lab->task_pids(node).at(sandbox);
    auto listed = m_lab->node_exec(
        node, {"nsenter", "-t", std::to_string(sandbox_pid), "-n", "iptables", "-S", "OUTPUT"});
    EXPECT_EQ(listed.out, "-P OUTPUT ACCEPT\n-A OUTPUT -m comment --comment \"bg-isolate:all\" -j "
                          "BREAKGLASS-ISOLATE\n");
    // IPv6 too: the pod has link-local IPv6 on eth0.
    auto listed6 = m_lab->node_exec(
        node, {"nsenter", "-t", std::to_string(sandbox_pid), "-n", "ip6tables", "-S", "OUTPUT"});
    EXPECT_EQ(listed6.out, listed.out);

    EXPECT_EQ(on_first_node({"unisolate", k_target})["summary"], nlohmann::json({{"restored", 1}}));
    EXPECT_TRUE(reaches(node, agent, service(), 3));
    EXPECT_TRUE(reaches(node, agent, gateway(), 3));
}

// Isolation is judged by the rules themselves: a fake chain with the right comment, or a rule
// placed above the jump, is replaced (a probe from inside the pod then fails). Pods whose
// containers hold CAP_NET_ADMIN or CAP_NET_RAW are isolated all the same, with a caveat per
// container: the stand-in's pod has ctr's default capabilities (CAP_NET_RAW among them), and two
// pods made by hand drop CAP_NET_RAW, one of them adding CAP_NET_ADMIN.
TEST_F(IsolationTest, FakeRulesAreReplacedAndPodsThatCanBypassIsolationAreReported) {
    const std::string node = m_nodes.front();
    const auto agent = containers(node, "target").front();
    ASSERT_TRUE(reaches(node, agent, gateway(), 3)) << "the lab's pod network is down";
    ASSERT_NO_FATAL_FAILURE(
        target_pod_by_hand(node, "telemetry-agent-nbdmv",
                           {"--cap-drop", "CAP_NET_RAW", "--cap-add", "CAP_NET_ADMIN"}));
    ASSERT_NO_FATAL_FAILURE(
        target_pod_by_hand(node, "telemetry-agent-xcfgh", {"--cap-drop", "CAP_NET_RAW"}));

    // A chain that drops nothing, jumped to by a rule with isolate's own comment.
    const long sandbox_pid = m_lab->task_pids(node).at(target_sandbox(node));
    const auto rules_before = sandbox_rules(node, sandbox_pid);
    ASSERT_NO_FATAL_FAILURE(load_rules(node, sandbox_pid,
                                       "*filter\n:BREAKGLASS-ISOLATE - [0:0]\n"
                                       "-A BREAKGLASS-ISOLATE -o lo -j RETURN\n"
                                       "-A BREAKGLASS-ISOLATE -j RETURN\n"
                                       "-I OUTPUT 1 -m comment --comment bg-isolate:all "
                                       "-j BREAKGLASS-ISOLATE\nCOMMIT\n"));
    const auto isolated = on_first_node({"isolate", k_target});
    EXPECT_EQ(isolated["summary"], nlohmann::json({{"contained", 1}}));
    EXPECT_EQ(isolated["caveats"], nlohmann::json({{"isolation-not-guaranteed", 1}}));
    auto entry = by_node(isolated)[node];
    EXPECT_EQ(entry["remaining"], 0);
    EXPECT_EQ(entry["changes"].size(), 3U) << entry["changes"]; // the fake one too
    std::map<std::string, nlohmann::json> why;                  // POD/CONTAINER -> why
    for (const auto& caveat : entry["caveats"]) {
        EXPECT_EQ(caveat["kind"], "isolation-not-guaranteed");
        why[caveat["pod"].get<std::string>() + "/" + caveat["container"].get<std::string>()] =
            caveat["why"];
    }
    EXPECT_EQ(why["telemetry-agent-nbdmv/agent"], nlohmann::json::array({"CAP_NET_ADMIN"}))
        << entry["caveats"];
    why.erase("telemetry-agent-nbdmv/agent");
    std::map<std::string, nlohmann::json> expected;
    for (const auto& pod : m_lab->pods()["nodes"][node]) {
        for (const auto& container : pod["containers"]) {
            if (pod["role"] == "target") {
                expected[pod["name"].get<std::string>() + "/" +
                         container["name"].get<std::string>()] =
                    nlohmann::json::array({"CAP_NET_RAW"});
            }
        }
    }
    EXPECT_EQ(why, expected) << "no caveat for the pod without either capability";
    EXPECT_FALSE(reaches(node, agent, gateway())) << "the fake chain was taken as isolation";

    // A rule above the jump lets everything out: the pod is isolated again, and the human
    // output says which containers can get round it.
    ASSERT_NO_FATAL_FAILURE(
        load_rules(node, sandbox_pid, "*filter\n-I OUTPUT 1 -j ACCEPT\nCOMMIT\n"));
    ASSERT_TRUE(reaches(node, agent, gateway(), 3)) << "the ACCEPT above the jump did not open it";
    std::vector<std::string> args{"daemonset", "isolate", k_target, "--yes", "--nodes", node};
    args.insert(args.end(), m_flags.begin(), m_flags.end());
    const auto human = m_lab->breakglass(args);
    EXPECT_EQ(human.exit_code, 0) << human.out << human.err;
    EXPECT_NE(human.out.find(node + ": contained"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find(node + ": note: isolation-not-guaranteed: container agent of pod "
                                    "telemetry-agent-nbdmv holds CAP_NET_ADMIN"),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("  contained (isolation-not-guaranteed): " + node), std::string::npos)
        << human.out;
    EXPECT_FALSE(reaches(node, agent, gateway())) << "a rule above the jump was left in place";

    // Undone (what the cases after this one start from): the pods made by hand go, the ACCEPT
    // rule (the pod's own, which isolate outranks but leaves) is deleted, and unisolate leaves
    // the sandbox's rules as they were before the fake ones were loaded.
    remove_by_hand();
    ASSERT_NO_FATAL_FAILURE(
        load_rules(node, sandbox_pid, "*filter\n-D OUTPUT -j ACCEPT\nCOMMIT\n"));
    EXPECT_EQ(on_first_node({"unisolate", k_target})["summary"], nlohmann::json({{"restored", 1}}));
    EXPECT_EQ(sandbox_rules(node, sandbox_pid), rules_before);
    EXPECT_TRUE(reaches(node, agent, gateway(), 3));
}

std::string library(const std::string& name) {
    return breakglass::testing::read_text(breakglass::testing::source_dir() + "/playbooks/lib/" +
                                          name);
}

// The destination list is data: every entry must be an address or CIDR, and the same set in
// another order or with repeats is the same isolation (a second run has nothing to do).
TEST(PodIsolationLibrary, DestinationListIsCheckedEntryByEntryAndOrderDoesNotMatter) {
    const std::string code = library("pod_isolation.sh");
    auto tag = [&](const std::string& destinations) {
        auto result = breakglass::testing::run_process(
            {"dash", "-c",
             "bg_fail() { echo \"$2\" >&2; return \"$1\"; }\n" + code +
                 "\nbg_pi_destinations \"$1\" && echo \"$_bg_pi_tag|$_bg_pi_v4|$_bg_pi_v6\"",
             "sh", destinations});
        return std::to_string(result.exit_code) + " " + result.out;
    };
    EXPECT_EQ(tag("all"), "0 all|all|all\n");
    const auto two = tag("198.18.0.1,10.0.0.0/8");
    EXPECT_EQ(two.substr(0, 2), "0 ");
    EXPECT_NE(two.find("| 10.0.0.0/8 198.18.0.1|\n"), std::string::npos) << two;
    EXPECT_EQ(tag("10.0.0.0/8,198.18.0.1,10.0.0.0/8"), two);
    EXPECT_NE(tag("198.18.0.1"), two);
    EXPECT_NE(tag("2001:db8::/32,fe80::1").find("| 2001:db8::/32 fe80::1\n"), std::string::npos);
    for (const std::string bad :
         {"", "1.2.3.400", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/8/8", "::/129",
          "fe80::1%eth0", "a.b.c.d", "1.2.3.4,", ",1.2.3.4", "1.2.3.4;reboot", "$(reboot)"}) {
        EXPECT_EQ(tag(bad).substr(0, 2), "2 ") << "'" << bad << "' accepted";
    }
}

// A real iptables that cannot read a real namespace's rules (root without CAP_NET_ADMIN: nft
// says "Permission denied") makes the pod's state a failure naming it, never "open".
TEST(PodIsolationLibrary, RulesThatCannotBeReadAreAFailureWithTheirReason) {
    const std::string state = "bg_fail() { echo \"$2\" >&2; return \"$1\"; }\n" +
                              library("pod_isolation.sh") +
                              "\nbg_pi_destinations all && bg_pi_pod_state sandbox pod \"$1\"";
    auto result = breakglass::testing::run_process(
        {"sh", "-c",
         "unshare -n sleep 60 & pid=$!\n"
         "until [ \"$(readlink /proc/$pid/ns/net)\" != \"$(readlink /proc/$$/ns/net)\" ]; do "
         "sleep 0.01; done\n"
         "dash -c \"$1\" sh $pid; echo \"readable $?\"\n"
         "setpriv --inh-caps=-net_admin --bounding-set=-net_admin dash -c \"$1\" sh $pid\n"
         "echo \"unreadable $?\"; kill $pid",
         "sh", state});
    EXPECT_EQ(result.out, "open\nreadable 0\nunreadable 10\n") << result.err;
    EXPECT_NE(result.err.find("cannot read the iptables rules in the network namespace of pid"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("Permission denied"), std::string::npos) << result.err;
}

// CAP_NET_ADMIN and CAP_NET_RAW count when a task holds them, or can gain them through its
// bounding set while no_new_privs is off; real tasks, their capabilities set with setpriv.
TEST(PodIsolationLibrary, CapabilitiesThatBypassIsolationAreHeldOrGainable) {
    const std::string capabilities =
        library("pod_isolation.sh") + "\nfor pid; do echo \"[$(bg_pi_capabilities $pid)]\"; done";
    auto result = breakglass::testing::run_process(
        {"sh", "-c",
         "set -- 'setpriv --inh-caps=-all --bounding-set=-all,+net_admin,+net_raw --no-new-privs' "
         "'setpriv --inh-caps=-all --bounding-set=-all,+net_admin --no-new-privs' "
         "'setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
         "--bounding-set=-all,+net_raw' "
         "'setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
         "--bounding-set=-all,+net_raw --no-new-privs' "
         "'setpriv --inh-caps=-all --bounding-set=-all,+chown --no-new-privs'\n"
         "pids=''; for run; do $run sleep 60 & pids=\"$pids $!\"; done\n"
         "for pid in $pids; do until grep -q '^NoNewPrivs' /proc/$pid/status && "
         "[ \"$(readlink /proc/$pid/exe)\" = \"$(readlink -f \"$(command -v sleep)\")\" ]; do "
         "sleep 0.01; done; done\n"
         "dash -c \"$0\" sh $pids 999999999; kill $pids",
         capabilities});
    EXPECT_EQ(result.out, "[CAP_NET_ADMIN,CAP_NET_RAW]\n[CAP_NET_ADMIN]\n[CAP_NET_RAW]\n[]\n[]\n"
                          "[capabilities-unreadable]\n")
        << result.err;
}

TEST_F(IsolationTest, PodInTheNodesNetworkNamespaceIsRefusedAndTheNodeUntouched) {
    const std::string node = m_nodes.front();
    // A hostNetwork DaemonSet pod, as the kubelet labels it.
    ASSERT_NO_FATAL_FAILURE(run_by_hand(
        node, "host-agent-sandbox",
        {"--net-host", "--label", "io.cri-containerd.kind=sandbox", "--label",
         "io.kubernetes.pod.name=host-agent-b2c4d", "--label",
         "io.kubernetes.pod.namespace=kube-system", "--label",
         "io.kubernetes.pod.uid=0b7e1d2c-5a4f-4e3b-9c8d-7f6e5d4c3b2a", "--label",
         "controller-revision-hash=5d8c7b9f6", "--label", "pod-template-generation=1"}));
    const auto node_rules = m_lab->node_exec(node, {"iptables", "-S"}).out;

    int exit_code = -1;
    // Refused on purpose: no canary, no budget stop (exit 1 as any failed node, not 6).
    const auto refused = on_first_node(
        {"isolate", "kube-system/host-agent", "--canary", "0", "--max-failures", "100%"},
        &exit_code);
    EXPECT_EQ(exit_code, 1);
    const auto entry = by_node(refused)[node];
    EXPECT_EQ(entry["reason"], "host-network");
    const auto message = entry["message"].get<std::string>();
    EXPECT_NE(message.find("hostNetwork"), std::string::npos) << message;
    // Why no narrower rule was possible either, by the node's cgroup version.
    EXPECT_NE(
        message.find(m_lab->flavour(node).rfind("v1/", 0) == 0 ? "cgroup v1" : "cgroup-v2 match"),
        std::string::npos)
        << message;
    EXPECT_EQ(m_lab->node_exec(node, {"iptables", "-S"}).out, node_rules);

    // Unisolate has nothing of isolate's there and leaves the node alone.
    EXPECT_EQ(on_first_node({"unisolate", "kube-system/host-agent"})["summary"],
              nlohmann::json({{"already_restored", 1}}));
    EXPECT_EQ(m_lab->node_exec(node, {"iptables", "-S"}).out, node_rules);
}

} // namespace
