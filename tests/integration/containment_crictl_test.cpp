// The DaemonSet playbooks' crictl path (playbooks/lib/daemonset_crictl.sh), used where ctr is
// missing, against a 2-node containerd lab fleet whose node0002 is `crictl-only`: its ctr is
// hidden and /usr/bin/crictl is the lab's crictl STAND-IN (lab/node/crictl), a script over the
// real ctr that prints what cri-tools' source says crictl prints. crictl is not packaged in
// Debian 12 and nothing may be downloaded, so this tests the crictl path only against our model
// of crictl's output; containerd, runc, the cgroup freezer and the containers are real. Every
// action must end the same on both nodes: node0001 goes through ctr, node0002 through crictl.
#include "tests/integration/support/containerd_lab.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::TempDir;

namespace {

using namespace std::chrono_literals;

const std::string k_target = "kube-system/telemetry-agent";
const std::string k_ctr_node = "node0001";
const std::string k_crictl_node = "node0002";

class ContainmentCrictlTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        m_lab = std::make_unique<ContainerdLab>(
            "crictl", 2, std::vector<std::string>{k_crictl_node + ":crictl-only"});
        m_flags = m_lab->shipped_playbook_flags(m_dir.path());
    }

    // `breakglass daemonset ARGS... -o json` (--yes for every action but status: they change
    // nodes), asserting exit status 0.
    nlohmann::json daemonset(std::vector<std::string> args) const {
        if (args.front() != "status") {
            args.push_back("--yes");
        }
        args.insert(args.begin(), "daemonset");
        args.insert(args.end(), m_flags.begin(), m_flags.end());
        args.insert(args.end(), {"-o", "json"});
        auto result = m_lab->breakglass(args, 180s);
        EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
        auto document = nlohmann::json::parse(result.out, nullptr, false);
        EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
        return document.is_discarded() ? nlohmann::json::object() : document;
    }

    static nlohmann::json node(const nlohmann::json& document, const std::string& name) {
        for (const auto& entry : document.value("nodes", nlohmann::json::array())) {
            if (entry["name"] == name) {
                return entry;
            }
        }
        return nlohmann::json::object();
    }

    // Task ID -> "STATUS PID" on NODE, through the real ctr (on the crictl-only node it is
    // hidden from sessions but bind-mounted for the lab at LAB_CTR).
    std::map<std::string, std::string> tasks_on(const std::string& name) const {
        const std::string ctr = name == k_crictl_node ? "/run/breakglass-node/ctr" : "ctr";
        auto result = m_lab->node_exec(name, {ctr, "-n", "k8s.io", "tasks", "ls"});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::map<std::string, std::string> tasks;
        std::istringstream lines(result.out);
        std::string line;
        std::getline(lines, line); // header
        for (std::string id, pid, status; lines >> id >> pid >> status;) {
            tasks[id] = status + " " + pid;
        }
        return tasks;
    }

    // Every decoy's sandbox and containers on both nodes with status and PID: never to change.
    std::map<std::string, std::string> decoys() const {
        std::map<std::string, std::string> out;
        for (const auto& name : {k_ctr_node, k_crictl_node}) {
            const auto tasks = tasks_on(name);
            for (const auto& pod : m_lab->pods()["nodes"][name]) {
                if (pod["role"] != "decoy") {
                    continue;
                }
                std::vector<std::string> ids{pod["sandbox_id"].get<std::string>()};
                for (const auto& container : pod["containers"]) {
                    ids.push_back(container["id"].get<std::string>());
                }
                for (const auto& id : ids) {
                    out[name + " " + id] = tasks.count(id) != 0 ? tasks.at(id) : "no task";
                    EXPECT_EQ(out[name + " " + id].rfind("RUNNING ", 0), 0U) << name << " " << id;
                }
            }
        }
        return out;
    }

    // NODE's matched pods as "uid name sandbox-id" and "container NAME ID STATE" lines.
    static std::set<std::string> matched(const nlohmann::json& entry) {
        std::set<std::string> out;
        for (const auto& pod : entry.value("pods", nlohmann::json::array())) {
            out.insert(pod["uid"].get<std::string>() + " " + pod["name"].get<std::string>());
            for (const auto& container : pod["containers"]) {
                out.insert("container " + container["name"].get<std::string>() + " " +
                           container["id"].get<std::string>() + " " +
                           container["state"].get<std::string>());
            }
        }
        return out;
    }

    std::set<std::string> lab_target(const std::string& name, const std::string& state) const {
        std::set<std::string> out;
        for (const auto& pod : m_lab->pods()["nodes"][name]) {
            if (pod["role"] == "target") {
                out.insert(pod["uid"].get<std::string>() + " " + pod["name"].get<std::string>());
                for (const auto& container : pod["containers"]) {
                    out.insert("container " + container["name"].get<std::string>() + " " +
                               container["id"].get<std::string>() + " " + state);
                }
            }
        }
        return out;
    }

    TempDir m_dir;
    std::unique_ptr<ContainerdLab> m_lab;
    std::vector<std::string> m_flags;
};

TEST_F(ContainmentCrictlTest, StatusFreezeThawAndStopEndAlikeThroughCtrAndThroughCrictl) {
    const auto decoys_before = decoys();
    const auto status = daemonset({"status", k_target});
    EXPECT_EQ(status["summary"], nlohmann::json({{"running", 2}}));
    for (const auto& name : {k_ctr_node, k_crictl_node}) {
        EXPECT_EQ(node(status, name)["outcome"], "running") << name;
        EXPECT_EQ(matched(node(status, name)), lab_target(name, "running")) << name;
    }

    const auto frozen = daemonset({"freeze", k_target});
    EXPECT_EQ(frozen["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& name : {k_ctr_node, k_crictl_node}) {
        const auto entry = node(frozen, name);
        EXPECT_EQ(entry["remaining"], 0) << name;
        EXPECT_EQ(entry["changes"].size(), 2U) << name;
        EXPECT_EQ(matched(entry), lab_target(name, "paused")) << name;
        for (const auto& container : entry["pods"][0]["containers"]) {
            EXPECT_EQ(m_lab->freezer_state(name, container["pid"].get<long>()), "FROZEN") << name;
        }
    }
    EXPECT_EQ(decoys(), decoys_before);
    EXPECT_EQ(daemonset({"freeze", k_target})["summary"],
              nlohmann::json({{"already_contained", 2}}));

    const auto thawed = daemonset({"thaw", k_target});
    EXPECT_EQ(thawed["summary"], nlohmann::json({{"restored", 2}}));
    std::map<std::string, std::vector<long>> pids;
    for (const auto& name : {k_ctr_node, k_crictl_node}) {
        const auto entry = node(thawed, name);
        EXPECT_EQ(matched(entry), lab_target(name, "running")) << name;
        for (const auto& container : entry["pods"][0]["containers"]) {
            EXPECT_EQ(m_lab->freezer_state(name, container["pid"].get<long>()), "THAWED") << name;
            pids[name].push_back(container["pid"].get<long>());
        }
        pids[name].push_back(entry["pods"][0]["sandbox"]["pid"].get<long>());
    }
    EXPECT_EQ(decoys(), decoys_before);

    const auto stopped =
        daemonset({"stop", k_target, "--hold-kubelet", "--hold-for", "10m", "--grace", "2s"});
    EXPECT_EQ(stopped["summary"], nlohmann::json({{"contained", 2}}));
    for (const auto& name : {k_ctr_node, k_crictl_node}) {
        const auto entry = node(stopped, name);
        EXPECT_EQ(entry["remaining"], 0) << name;
        EXPECT_EQ(matched(entry), lab_target(name, "stopped")) << name;
        for (long pid : pids[name]) {
            // Inside the node: a systemd node's PIDs are its own.
            EXPECT_EQ(m_lab->process_state(name, pid), "gone") << name << " pid " << pid;
        }
    }
    EXPECT_EQ(daemonset({"stop", k_target, "--hold-kubelet"})["summary"],
              nlohmann::json({{"already_contained", 2}}));
    EXPECT_EQ(decoys(), decoys_before);

    // node0002 really went through crictl (the stand-in records its calls), node0001 did not.
    auto calls = m_lab->node_exec(k_crictl_node, {"cat", "/run/breakglass-node/crictl.calls"});
    for (const std::string call : {"pods -q --label io.kubernetes.pod.namespace=kube-system",
                                   "inspectp ", "ps -a -o json --label io.kubernetes.pod.uid=",
                                   "inspect ", "stop --timeout 2 ", "stopp "}) {
        EXPECT_NE(("\n" + calls.out).find("\n" + call), std::string::npos) << call << " in\n"
                                                                           << calls.out;
    }
    EXPECT_NE(
        m_lab->node_exec(k_ctr_node, {"test", "-e", "/run/breakglass-node/crictl.calls"}).exit_code,
        0);
}

} // namespace
