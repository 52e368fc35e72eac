// `breakglass daemonset isolate/unisolate` (playbooks/lib/pod_isolation.sh) against the
// containerd lab's pod network: real containerd and runc, pods in their own network namespaces
// joined to the fleet's bridge, an API server stand-in on the gateway (lab/pod_network.sh). What
// counts is seen from inside the pods: a connection to a lab address fails, loopback works.
#include "tests/integration/support/containment_fixture.hpp"

#include <filesystem>
#include <fstream>
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

class IsolationTest : public breakglass::testing::ContainmentFixture {
protected:
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
                std::ifstream current(node_dir + "/kubelet/state/" + pod["uid"].get<std::string>() +
                                      "/" + container["name"].get<std::string>() + ".id");
                std::string id;
                std::getline(current, id);
                ids.push_back(id);
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
    start(2);
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
    std::string sandbox;
    for (const auto& pod : m_lab->pods()["nodes"][node]) {
        sandbox = pod["role"] == "target" ? pod["sandbox_id"].get<std::string>() : sandbox;
    }
    EXPECT_EQ(namespaces.at(recreated), namespaces.at(sandbox));
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
    start(1);
    const std::string node = m_nodes.front();
    const auto agent = containers(node, "target").front();

    int exit_code = -1;
    const auto bad = daemonset({"isolate", k_target, "--destination", "198.18.0.400"}, &exit_code);
    EXPECT_EQ(exit_code, 1);
    EXPECT_EQ(by_node(bad)[node]["reason"], "bad-input");
    EXPECT_TRUE(reaches(node, agent, gateway(), 3));

    const auto only_gateway = daemonset({"isolate", k_target, "--destination", gateway()});
    EXPECT_EQ(only_gateway["summary"], nlohmann::json({{"contained", 1}}));
    EXPECT_FALSE(reaches(node, agent, gateway()));
    EXPECT_TRUE(reaches(node, agent, service(), 3)) << "only the given destination is dropped";
    EXPECT_EQ(daemonset({"isolate", k_target, "--destination", gateway()})["summary"],
              nlohmann::json({{"already_contained", 1}}));

    // All egress now: the rules are replaced, not added to.
    const auto all = daemonset({"isolate", k_target});
    EXPECT_EQ(all["summary"], nlohmann::json({{"contained", 1}}));
    EXPECT_FALSE(reaches(node, agent, service()));
    std::string sandbox;
    for (const auto& pod : m_lab->pods()["nodes"][node]) {
        sandbox = pod["role"] == "target" ? pod["sandbox_id"].get<std::string>() : sandbox;
    }
    const auto sandbox_pid = m_lab->task_pids(node).at(sandbox);
    auto listed = m_lab->node_exec(
        node, {"nsenter", "-t", std::to_string(sandbox_pid), "-n", "iptables", "-S", "OUTPUT"});
    EXPECT_EQ(listed.out, "-P OUTPUT ACCEPT\n-A OUTPUT -m comment --comment \"bg-isolate:all\" -j "
                          "BREAKGLASS-ISOLATE\n");
    // IPv6 too: the pod has link-local IPv6 on eth0.
    auto listed6 = m_lab->node_exec(
        node, {"nsenter", "-t", std::to_string(sandbox_pid), "-n", "ip6tables", "-S", "OUTPUT"});
    EXPECT_EQ(listed6.out, listed.out);

    EXPECT_EQ(daemonset({"unisolate", k_target})["summary"], nlohmann::json({{"restored", 1}}));
    EXPECT_TRUE(reaches(node, agent, service(), 3));
    EXPECT_TRUE(reaches(node, agent, gateway(), 3));
}

// The destination list is data: every entry must be an address or CIDR, and the same set in
// another order or with repeats is the same isolation (a second run has nothing to do).
TEST(PodIsolationLibrary, DestinationListIsCheckedEntryByEntryAndOrderDoesNotMatter) {
    std::ifstream library(breakglass::testing::source_dir() + "/playbooks/lib/pod_isolation.sh");
    const std::string code{std::istreambuf_iterator<char>(library), {}};
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

TEST_F(IsolationTest, PodInTheNodesNetworkNamespaceIsRefusedAndTheNodeUntouched) {
    start(1);
    const std::string node = m_nodes.front();
    // A hostNetwork DaemonSet pod, as the kubelet labels it; in the node's cgroup so the fleet's
    // teardown ends it.
    const auto& description = m_lab->description();
    auto made = m_lab->node_exec(
        node, {"ctr",
               "-n",
               "k8s.io",
               "run",
               "-d",
               "--null-io",
               "--net-host",
               "--cpu-shares", // none: cgroup v2 nodes here have no cpu controller (LAB-NOTES)
               "0",
               "--cgroup",
               description["nodes"][0]["cgroup_parent"].get<std::string>() + "/host-agent",
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
               description["rootfs"].get<std::string>(),
               "host-agent-sandbox",
               "/bin/sleep",
               "100000000"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto node_rules = m_lab->node_exec(node, {"iptables", "-S"}).out;

    int exit_code = -1;
    const auto refused = daemonset({"isolate", "kube-system/host-agent"}, &exit_code);
    EXPECT_EQ(exit_code, 1);
    const auto entry = by_node(refused)[node];
    EXPECT_EQ(entry["reason"], "host-network");
    const auto message = entry["message"].get<std::string>();
    EXPECT_NE(message.find("hostNetwork"), std::string::npos) << message;
    // Why no narrower rule was possible either, by the node's cgroup version.
    EXPECT_NE(message.find(m_lab->flavour(node).rfind("v1/", 0) == 0 ? "cgroup v1"
                                                                      : "cgroup-v2 match"),
              std::string::npos)
        << message;
    EXPECT_EQ(m_lab->node_exec(node, {"iptables", "-S"}).out, node_rules);

    // Unisolate has nothing of isolate's there and leaves the node alone.
    EXPECT_EQ(daemonset({"unisolate", "kube-system/host-agent"})["summary"],
              nlohmann::json({{"already_restored", 1}}));
    EXPECT_EQ(m_lab->node_exec(node, {"iptables", "-S"}).out, node_rules);
}

} // namespace
