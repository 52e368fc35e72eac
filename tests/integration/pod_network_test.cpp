// The containerd lab's pod network (lab/pod_network.sh, lab/node/cni.sh): like CRI, every pod
// sandbox has a network namespace of its own that its containers join; like a CNI bridge
// plugin, a veth pair joins it to a bridge in the fleet's namespace carrying the gateway, where
// an API server stand-in answers. The containment tests (isolate) rely on all of this.
#include "tests/integration/support/containerd_lab.hpp"
#include "tests/integration/support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::first_line;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;

namespace {

using Clock = std::chrono::steady_clock;

std::string net_namespace(long pid) {
    std::error_code error;
    auto link = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", error);
    return error ? std::string("gone") : link.string();
}

// Both cases share one fleet of two nodes (the suite is one ctest test: CMakeLists.txt,
// SHARED_FLEET_SUITES). The first only looks, at the pods as the stand-in first made them; the
// second (declared last: gtest runs a suite's cases in the order written) kills and recreates
// some on node0001.
class PodNetworkTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_fleet.bring_up("pod-network", 2); }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        m_lab = s_fleet.get();
    }

    std::string gateway() const {
        return m_lab->description()["pod_network"]["gateway"].get<std::string>();
    }

    // A TCP connection from inside CONTAINER to the API server stand-in on the gateway; three
    // tries, since busybox nc's -w also bounds the wait for the answer on a loaded machine.
    ProcessResult probe_gateway(const std::string& node, const std::string& container) const {
        const auto port = m_lab->description()["pod_network"]["api_port"].get<int>();
        ProcessResult probe;
        for (int attempt = 0; attempt < 3 && probe.exit_code != 0; ++attempt) {
            probe = m_lab->pod_exec(node, container,
                                    "nc -w 3 " + gateway() + " " + std::to_string(port) +
                                        " </dev/null");
        }
        return probe;
    }

    // The links of the fleet's network namespace (`ip -o link`, names only).
    std::set<std::string> fleet_links() const {
        auto listed = run_process(
            {"ip", "-n", m_lab->description()["netns"].get<std::string>(), "-o", "link", "show"});
        EXPECT_EQ(listed.exit_code, 0) << listed.err;
        std::set<std::string> names;
        std::istringstream lines(listed.out);
        std::string index, name;
        std::string rest;
        while (lines >> index >> name && std::getline(lines, rest)) {
            names.insert(name.substr(0, name.find_first_of("@:")));
        }
        return names;
    }

    // The kubelet stand-in's current ID for CONTAINER ("sandbox" for the sandbox) of pod UID.
    std::string current_id(const std::string& node, const std::string& uid,
                           const std::string& container) const {
        return first_line(node_dir(node) + "/kubelet/state/" + uid + "/" + container + ".id");
    }

    std::string node_dir(const std::string& node) const {
        for (const auto& entry : m_lab->description()["nodes"]) {
            if (entry["name"] == node) {
                return entry["node_dir"].get<std::string>();
            }
        }
        return {};
    }

    static inline breakglass::testing::SuiteFleet<ContainerdLab> s_fleet;
    ContainerdLab* m_lab = nullptr;
};

TEST_F(PodNetworkTest, EveryPodHasItsOwnNamespaceSharedByItsContainersAndReachesTheGateway) {
    const auto& description = m_lab->description();
    const auto& network = description["pod_network"];
    EXPECT_EQ(network["gateway"], "198.18.0.1");
    EXPECT_EQ(network["api_port"], 6443);
    const auto host_namespace = net_namespace(1);
    std::set<std::string> namespaces;
    std::set<std::string> subnets;
    std::set<std::string> addresses;
    for (const auto& node_entry : description["nodes"]) {
        const auto node = node_entry["name"].get<std::string>();
        const auto node_namespace = net_namespace(node_entry["containerd_pid"].get<long>());
        EXPECT_NE(node_namespace, host_namespace) << "a lab node lives in the fleet's namespace";
        const auto subnet = node_entry["pod_subnet"].get<std::string>();
        subnets.insert(subnet);
        const auto subnet_base = subnet.substr(0, subnet.rfind('.') + 1); // "198.18.N."
        EXPECT_EQ(subnet_base.rfind("198.18.", 0), 0U) << subnet;

        // Read inside the node: a systemd node's PIDs are its own.
        const auto task_namespaces = m_lab->task_net_namespaces(node);
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            const auto sandbox = pod["sandbox_id"].get<std::string>();
            ASSERT_EQ(task_namespaces.count(sandbox), 1U) << "sandbox of " << pod["name"];
            const auto pod_namespace = task_namespaces.at(sandbox);
            EXPECT_NE(pod_namespace, node_namespace) << pod["name"];
            EXPECT_NE(pod_namespace, host_namespace) << pod["name"];
            EXPECT_TRUE(namespaces.insert(pod_namespace).second)
                << pod["name"] << " shares a network namespace with another pod";
            for (const auto& container : pod["containers"]) {
                const auto id = container["id"].get<std::string>();
                ASSERT_EQ(task_namespaces.count(id), 1U) << container["name"];
                EXPECT_EQ(task_namespaces.at(id), pod_namespace)
                    << pod["name"] << "/" << container["name"] << " is not in its sandbox's";
            }
            const auto address = pod["address"].get<std::string>();
            EXPECT_EQ(address.rfind(subnet_base, 0), 0U) << address << " outside " << subnet;
            EXPECT_TRUE(addresses.insert(address).second) << address << " given twice";
        }

        // From inside the target's containers: their own address, the gateway reached over TCP.
        for (const auto& pod : m_lab->pods()["nodes"][node]) {
            if (pod["role"] != "target") {
                continue;
            }
            for (const auto& container : pod["containers"]) {
                const auto id = container["id"].get<std::string>();
                auto shown = m_lab->pod_exec(node, id, "ip -4 -o addr show dev eth0");
                ASSERT_EQ(shown.exit_code, 0) << shown.err;
                EXPECT_NE(shown.out.find(pod["address"].get<std::string>() + "/15"),
                          std::string::npos)
                    << shown.out;
                auto reached = probe_gateway(node, id);
                EXPECT_EQ(reached.exit_code, 0) << reached.err;
                EXPECT_NE(reached.out.find("breakglass lab API server stand-in"), std::string::npos)
                    << reached.out;
            }
            // Nothing beyond the lab: an address outside it has no way out (TEST-NET-1).
            auto out = m_lab->pod_exec(node, pod["containers"][0]["id"].get<std::string>(),
                                       "nc -w 2 192.0.2.1 80 </dev/null");
            EXPECT_NE(out.exit_code, 0) << out.out;
        }
    }
    EXPECT_EQ(subnets.size(), 2U) << "every node has its own pod subnet";

    // The fleet's namespace holds the bridge and one veth per pod; the host's holds neither,
    // nor any address of the pod network.
    const auto links = fleet_links();
    EXPECT_EQ(links.count(network["bridge"].get<std::string>()), 1U);
    EXPECT_EQ(std::count_if(links.begin(), links.end(),
                            [](const std::string& link) { return link.rfind("bgv", 0) == 0; }),
              16);
    auto host_links = run_process({"ip", "-o", "link", "show"});
    EXPECT_EQ(host_links.out.find(network["bridge"].get<std::string>()), std::string::npos);
    EXPECT_EQ(host_links.out.find(" bgv"), std::string::npos);
    EXPECT_EQ(run_process({"ip", "-o", "addr", "show"}).out.find("198.18."), std::string::npos);
}

TEST_F(PodNetworkTest, RecreatedContainerRejoinsItsSandboxAndARecreatedSandboxIsWiredAfresh) {
    const std::string node = "node0001";
    nlohmann::json target;
    for (const auto& pod : m_lab->pods()["nodes"][node]) {
        target = pod["role"] == "target" ? pod : target;
    }
    ASSERT_FALSE(target.is_null());
    const auto uid = target["uid"].get<std::string>();
    const auto sandbox = target["sandbox_id"].get<std::string>();
    const auto agent = current_id(node, uid, "agent");
    const auto pod_namespace = m_lab->task_net_namespaces(node).at(sandbox);

    // Waits until the stand-in runs a new CONTAINER of the pod (not OLD); returns its ID.
    auto wait_for_new = [&](const std::string& container, const std::string& old) {
        for (auto started = Clock::now(); Clock::now() - started < std::chrono::seconds(10);) {
            const auto id = current_id(node, uid, container);
            if (!id.empty() && id != old && m_lab->task_pids(node).count(id) != 0) {
                return id;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return std::string();
    };

    auto kill_task = [&](const std::string& id) {
        return m_lab->node_exec(node, {"ctr", "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id})
            .exit_code;
    };

    // A container killed behind the kubelet's back comes back inside the same sandbox.
    ASSERT_EQ(kill_task(agent), 0);
    const auto new_agent = wait_for_new("agent", agent);
    ASSERT_FALSE(new_agent.empty()) << "the stand-in did not recreate the agent";
    EXPECT_EQ(m_lab->task_net_namespaces(node).at(new_agent), pod_namespace);
    EXPECT_EQ(probe_gateway(node, new_agent).exit_code, 0);

    // A killed sandbox makes the stand-in recreate the pod: a new namespace, new veth, new
    // address, and the pod's new containers join that one; the old veth goes with the old
    // namespace.
    const auto old_veth = "bgv" + sandbox.substr(0, 12);
    ASSERT_EQ(fleet_links().count(old_veth), 1U);
    ASSERT_EQ(kill_task(sandbox), 0);
    const auto new_sandbox = wait_for_new("sandbox", sandbox);
    ASSERT_FALSE(new_sandbox.empty()) << "the stand-in did not recreate the sandbox";
    std::string new_shipper;
    for (auto started = Clock::now(); Clock::now() - started < std::chrono::seconds(10);) {
        new_shipper = current_id(node, uid, "log-shipper");
        auto now = m_lab->task_pids(node);
        if (now.count(new_shipper) != 0 && now.count(current_id(node, uid, "agent")) != 0 &&
            fleet_links().count(old_veth) == 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const auto namespaces_now = m_lab->task_net_namespaces(node);
    const auto fresh_namespace = namespaces_now.at(new_sandbox);
    EXPECT_EQ(namespaces_now.at(new_shipper), fresh_namespace);
    EXPECT_EQ(namespaces_now.at(current_id(node, uid, "agent")), fresh_namespace);
    const auto links = fleet_links();
    EXPECT_EQ(links.count(old_veth), 0U) << "the old sandbox's veth outlived its namespace";
    EXPECT_EQ(links.count("bgv" + new_sandbox.substr(0, 12)), 1U);
    const auto new_address = first_line(node_dir(node) + "/kubelet/state/" + uid + "/address");
    EXPECT_NE(new_address, target["address"].get<std::string>());
    auto shown = m_lab->pod_exec(node, new_shipper, "ip -4 -o addr show dev eth0");
    EXPECT_NE(shown.out.find(new_address + "/15"), std::string::npos) << shown.out;
    EXPECT_EQ(probe_gateway(node, new_shipper).exit_code, 0);
}

} // namespace
