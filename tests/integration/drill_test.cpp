// `breakglass drill` against one containerd lab fleet shared by every case (SHARED_FLEET_SUITES):
// four nodes with real sshd; node0001 and node0002 run containerd, runc, pods and systemd;
// node0003 has no container runtime installed (lab/fleet --fault no-runtime: neither ctr nor
// crictl) and node0004 has one that is dead (--fault no-socket). The faulty nodes run no pods
// and no systemd (--flavour v2/none): they cost the bring-up little, and what the drill reads
// from them is only their runtime. The shipped playbooks, drill-readiness among them, are signed
// by the real ssh-keygen for the fleet (valid 1 hour, so the cases pass --min-playbook-validity
// below that). No case changes the fleet: each makes its own inventory or playbook copies in a
// scratch folder (the exercise freezes and thaws, and checks that it thawed).
#include "tests/integration/support/containerd_lab.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/text_search.hpp"
#include "tests/integration/support/time_text.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

using breakglass::testing::ContainerdLab;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::SignedFleet;
using breakglass::testing::SuiteFleet;
using breakglass::testing::TempDir;
namespace fs = std::filesystem;
using breakglass::testing::count_lines_with;
using breakglass::testing::read_text;

namespace {

std::string rfc3339_ago(std::chrono::seconds ago) {
    return breakglass::testing::rfc3339(-ago);
}

// The nodes that run containerd and pods (the others have a runtime fault).
constexpr const char* k_healthy = "node0001,node0002";
constexpr const char* k_faulty = "node0003,node0004";

std::vector<std::string> names_of(const nlohmann::json& document) {
    std::vector<std::string> names;
    for (const auto& node : document["nodes"]) {
        names.push_back(node["name"].get<std::string>());
    }
    return names;
}

class DrillLabTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_fleet.bring_up("drill", 4,
                         std::vector<std::string>{"node0003:no-runtime", "node0004:no-socket"},
                         std::vector<std::string>{"--flavour", "node0003:v2/none", "--flavour",
                                                  "node0004:v2/none"});
    }
    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        m_fleet = s_fleet.get();
        m_flags = m_fleet->flags;
    }

    // The fleet's flags with FLAG's value replaced (e.g. -i or --playbooks).
    void replace_flag(const std::string& flag, const std::string& value) {
        auto at = std::find(m_flags.begin(), m_flags.end(), flag);
        ASSERT_NE(at, m_flags.end());
        *(at + 1) = value;
    }

    // `breakglass drill FLAGS ARGS` (the playbooks are valid for an hour: see the header; the
    // node-p99 objective is loosened to a minute).
    ProcessResult drill(const std::vector<std::string>& args) const {
        std::vector<std::string> command{"drill"};
        command.insert(command.end(), m_flags.begin(), m_flags.end());
        command.insert(command.end(), {"--min-playbook-validity", "30m"});
        if (std::find(args.begin(), args.end(), "--warn-expiry") == args.end()) {
            command.insert(command.end(), {"--warn-expiry", "50m"});
        }
        // No case is about node time: a loaded machine (or the sanitizer build) must not make a
        // node slower than the default 2s p99 and fail a case for it.
        command.insert(command.end(), {"--max-p99", "1m"});
        command.insert(command.end(), args.begin(), args.end());
        return m_fleet->lab->breakglass(command);
    }

    nlohmann::json drill_json(std::vector<std::string> args, int* exit_code) const {
        args.insert(args.end(), {"-o", "json", "-q"});
        ProcessResult result = drill(args);
        *exit_code = result.exit_code;
        auto document = nlohmann::json::parse(result.out, nullptr, false);
        EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
        return document;
    }

    std::string signer_key() const {
        return m_fleet->lab->description()["signer_key"].get<std::string>();
    }

    void sign(const std::string& file, const std::string& name_space) const {
        fs::remove(file + ".sig");
        auto signed_ = run_process(
            {"ssh-keygen", "-q", "-Y", "sign", "-n", name_space, "-f", signer_key(), file});
        ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    }

    // A copy of the fleet's inventory after EDIT, signed (or not) as an inventory.
    template <typename Edit>
    std::string inventory_copy(const std::string& name, Edit edit, bool signed_copy = true) {
        nlohmann::json inventory = nlohmann::json::parse(read_text(m_fleet->inventory));
        edit(inventory);
        const std::string path = m_dir.path() + "/" + name;
        std::ofstream(path) << inventory.dump(2) << '\n';
        if (signed_copy) {
            sign(path, "breakglass-inventory");
        }
        return path;
    }

    // A copy of the fleet's playbook folder with daemonset-thaw re-bundled for ISSUED_AT and
    // VALID_FOR, and signed.
    std::string playbooks_with_thaw(const std::string& name, const std::string& issued_at,
                                    const std::string& valid_for) {
        const auto playbooks = std::find(m_flags.begin(), m_flags.end(), "--playbooks");
        const fs::path copy = fs::path(m_dir.path()) / name;
        fs::copy(*(playbooks + 1), copy);
        const nlohmann::json inventory = nlohmann::json::parse(read_text(m_fleet->inventory));
        const std::string thaw = (copy / "daemonset-thaw.json").string();
        fs::remove(thaw);
        auto bundled = run_process(
            {breakglass::testing::breakglass_binary(), "playbook", "bundle",
             breakglass::testing::source_dir() + "/playbooks/shipped/daemonset-thaw.json",
             "--cluster", inventory["cluster"].get<std::string>(), "--issued-at", issued_at,
             "--valid-for", valid_for, "--lib-dir",
             breakglass::testing::source_dir() + "/playbooks/lib", "-O", thaw});
        EXPECT_EQ(bundled.exit_code, 0) << bundled.err;
        sign(thaw, "breakglass-playbook");
        return copy.string();
    }

    // Each node's sshd log, as lab/node/start writes it (LogLevel INFO).
    std::vector<std::string> sshd_logs() const {
        std::vector<std::string> logs;
        const nlohmann::json& description = m_fleet->lab->description();
        for (const auto& node : description["nodes"]) {
            logs.push_back(read_text(
                description["sshds"][node["sshd"].get<std::size_t>()]["log"].get<std::string>()));
        }
        return logs;
    }

    static inline SuiteFleet<SignedFleet> s_fleet;
    SignedFleet* m_fleet = nullptr;
    std::vector<std::string> m_flags;
    TempDir m_dir;
};

} // namespace

TEST_F(DrillLabTest, AHealthyFleetPassesAndItsMetricsFilePassesPromtool) {
    const std::string metrics = m_dir.path() + "/drill.prom";
    int code = -1;
    auto document = drill_json({"-w", k_healthy, "--prometheus", metrics}, &code);
    EXPECT_EQ(code, 0) << document.dump(2);
    EXPECT_EQ(document["passed"], true);
    EXPECT_EQ(document["missed"], nlohmann::json::array());
    EXPECT_EQ(document["sampled"], 2);
    EXPECT_EQ(document["ready"], 2);
    EXPECT_EQ(document["warnings"], nlohmann::json::array());
    for (const auto& node : document["nodes"]) {
        EXPECT_EQ(node["readiness"]["runtime"], "ctr") << node.dump();
        EXPECT_EQ(node["readiness"]["runtime_answers"], true) << node.dump();
        // The DaemonSet playbooks would read containerd through its API there (curl).
        EXPECT_EQ(node["readiness"]["read_via"], "api") << node.dump();
        EXPECT_EQ(node["readiness"]["kubelet_unit_state"], "known") << node.dump();
    }
    const std::string text = read_text(metrics);
    EXPECT_NE(text.find("breakglass_drill_success{cluster=\"" +
                        document["cluster"].get<std::string>() + "\"} 1\n"),
              std::string::npos)
        << text;
    auto checked = run_process({"promtool", "check", "metrics"}, std::chrono::seconds(30), text);
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

    // The human report: the verdict first.
    ProcessResult human = drill({"-w", k_healthy, "-q"});
    EXPECT_EQ(human.exit_code, 0) << human.out << human.err;
    EXPECT_EQ(human.out.rfind("drill PASSED: all 7 objectives met", 0), 0U) << human.out;
}

// node0003 has neither ctr nor crictl, node0004's containerd is dead: each is reached but not
// ready, named with its own reason; the healthy nodes are ready; only `ready` is missed.
TEST_F(DrillLabTest, NoRuntimeToolOrADeadRuntimeFailsNamingReadinessAndTheNode) {
    int code = -1;
    auto document = drill_json({}, &code);
    EXPECT_EQ(code, 7) << document.dump(2);
    EXPECT_EQ(document["missed"], nlohmann::json::array({"ready"}));
    auto nodes = breakglass::testing::nodes_by_name(document);
    ASSERT_EQ(nodes.size(), 4U) << document.dump(2);
    for (const auto& [name, node] : nodes) {
        EXPECT_EQ(node["reached"], true) << node.dump();
        EXPECT_EQ(node["ready"], name == "node0001" || name == "node0002") << node.dump();
    }
    EXPECT_EQ(nodes["node0003"]["readiness"]["runtime"], "none") << nodes["node0003"].dump();
    EXPECT_EQ(nodes["node0003"]["problems"],
              nlohmann::json::array({"no container runtime tool (neither ctr nor crictl)"}))
        << nodes["node0003"].dump();
    EXPECT_EQ(nodes["node0004"]["readiness"]["runtime"], "ctr") << nodes["node0004"].dump();
    EXPECT_EQ(nodes["node0004"]["readiness"]["runtime_socket"], "none") << nodes["node0004"].dump();
    EXPECT_EQ(nodes["node0003"]["readiness"]["read_via"], "none") << nodes["node0003"].dump();
    EXPECT_EQ(nodes["node0004"]["readiness"]["read_via"], "none") << nodes["node0004"].dump();
    EXPECT_EQ(nodes["node0004"]["problems"].size(), 1U) << nodes["node0004"].dump();

    ProcessResult human = drill({"-q"});
    EXPECT_EQ(human.exit_code, 7);
    EXPECT_EQ(human.out.rfind("drill FAILED: 1 of 7 objectives missed", 0), 0U) << human.out;
    EXPECT_NE(human.out.find("MISSED ready: ready 50% (2 of 4) < 99%: node0003, node0004\n"),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("  node0003: no container runtime tool (neither ctr nor crictl)\n"),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("  node0004: no runtime socket"), std::string::npos) << human.out;
}

TEST_F(DrillLabTest, NodesThatAreDownFailNamingReachabilityAndListingThem) {
    // Two more nodes in a signed inventory, where no sshd listens: down.
    const std::string inventory = inventory_copy("down.json", [](nlohmann::json& document) {
        nlohmann::json node = document["nodes"][0];
        for (const char* name : {"down0001", "down0002"}) {
            node["name"] = name;
            node["address"] = std::string("127.1.0.") + (name[7] == '1' ? "201" : "202");
            document["nodes"].push_back(node);
        }
    });
    replace_flag("-i", inventory);
    ProcessResult human = drill({"-x", k_faulty, "-q"});
    EXPECT_EQ(human.exit_code, 7) << human.out << human.err;
    // Exactly two objectives missed: reachability, and readiness (unreachable is not ready).
    EXPECT_EQ(human.out.rfind("drill FAILED: 2 of 7 objectives missed", 0), 0U) << human.out;
    EXPECT_NE(human.out.find("MISSED reachable: reachable 50% (2 of 4) < 99%: down0001, "
                             "down0002\n"),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("MISSED ready: ready 50% (2 of 4) < 99%"), std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("  down0001: unreachable: unreachable"), std::string::npos)
        << human.out;
}

TEST_F(DrillLabTest, AStaleOrUnsignedInventoryFailsNamingIt) {
    replace_flag("-i", inventory_copy("stale.json", [](nlohmann::json& document) {
                     document["captured_at"] = rfc3339_ago(std::chrono::hours(49));
                 }));
    int code = -1;
    auto stale = drill_json({"-w", "node0001"}, &code);
    EXPECT_EQ(code, 7) << stale.dump(2);
    EXPECT_EQ(stale["missed"], nlohmann::json::array({"inventory-age"}));

    replace_flag("-i", inventory_copy(
                           "unsigned.json", [](nlohmann::json&) {}, false));
    ProcessResult human = drill({"-w", "node0001", "-q"});
    EXPECT_EQ(human.exit_code, 7) << human.out << human.err;
    EXPECT_NE(human.out.find("MISSED inventory-signature: inventory signature: unsigned"),
              std::string::npos)
        << human.out;
}

TEST_F(DrillLabTest, APlaybookExpiringTomorrowWarnsAndAnExpiredOneFails) {
    // Issued 90 minutes ago for a day: 22h30m left, "22h" whatever second the drill runs in
    // (issued exactly an hour ago, a drill within the same second saw 23h: flaky).
    replace_flag("--playbooks",
                 playbooks_with_thaw("tomorrow", rfc3339_ago(std::chrono::minutes(90)), "1d"));
    ProcessResult warned = drill({"-w", "node0001", "--warn-expiry", "2d", "-q"});
    EXPECT_EQ(warned.exit_code, 0) << warned.out << warned.err;
    EXPECT_NE(warned.out.find("daemonset-thaw expires in 22h"), std::string::npos) << warned.out;

    replace_flag("--playbooks",
                 playbooks_with_thaw("expired", rfc3339_ago(std::chrono::hours(72)), "1d"));
    ProcessResult expired = drill({"-w", "node0001", "-q"});
    EXPECT_EQ(expired.exit_code, 7) << expired.out << expired.err;
    EXPECT_NE(expired.out.find("MISSED playbook-validity: playbooks: 1 of "), std::string::npos)
        << expired.out;
    EXPECT_NE(expired.out.find("daemonset-thaw (playbook"), std::string::npos) << expired.out;
}

TEST_F(DrillLabTest, TheSampleIsReproducibleWithItsSeed) {
    // Without --seed the report prints the seed it drew; given back, it repeats the sample, here
    // spelt as a share (50% of 4 is the same 2 nodes: the first 2 of the seed's order).
    int code = -1;
    auto drawn = drill_json({"--sample", "2"}, &code);
    EXPECT_TRUE(code == 0 || code == 7) << drawn.dump(2); // the sample may hold a faulty node
    EXPECT_EQ(drawn["selected"], 4);
    EXPECT_EQ(drawn["sampled"], 2);
    ASSERT_TRUE(drawn["seed"].is_string()) << drawn.dump(2);
    const std::string seed = drawn["seed"].get<std::string>();
    auto repeated = drill_json({"--sample", "50%", "--seed", seed}, &code);
    EXPECT_EQ(repeated["seed"], seed);
    EXPECT_EQ(repeated["sampled"], 2);
    EXPECT_EQ(names_of(repeated), names_of(drawn));
}

TEST_F(DrillLabTest, OneSessionPerNodeAndNothingChanges) {
    const std::vector<std::string> before = sshd_logs();
    int code = -1;
    auto document = drill_json({}, &code);
    EXPECT_EQ(code, 7); // node0003, node0004
    const std::vector<std::string> after = sshd_logs();
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        ASSERT_GE(after[i].size(), before[i].size());
        const std::string added = after[i].substr(before[i].size());
        // One authenticated session, and no other connection (no probe, no retry).
        EXPECT_EQ(count_lines_with(added, "Accepted publickey"), 1U) << m_fleet->nodes[i] << added;
        EXPECT_EQ(count_lines_with(added, "Connection closed by"), 0U) << added;
        EXPECT_EQ(count_lines_with(added, "kex_exchange_identification"), 0U) << added;
        EXPECT_EQ(count_lines_with(added, "preauth"), 0U) << added;
    }
    // Nothing was frozen, the kubelet runs and holds nothing (the pods' own churn under the
    // kubelet stand-in makes a before/after task list no measure). One node-exec a node asks all
    // three: the task list, then the kubelet's state, then whether a hold record exists.
    for (const char* node : {"node0001", "node0002"}) { // the others have no runtime
        const ProcessResult state = m_fleet->lab->node_exec(
            node, {"sh", "-c",
                   "ctr -n k8s.io tasks ls && echo \"kubelet $(systemctl is-active kubelet)\" && "
                   "if test -e /run/breakglass/kubelet-hold; then echo hold; else echo no-hold; "
                   "fi"});
        ASSERT_EQ(state.exit_code, 0) << node << state.out << state.err;
        EXPECT_EQ(count_lines_with(state.out, "PAUSED"), 0U) << node << state.out;
        EXPECT_NE(state.out.find("\nkubelet active\nno-hold\n"), std::string::npos)
            << node << state.out;
    }
    // The signed playbook it ran has no step that changes a node.
    const auto playbooks = std::find(m_flags.begin(), m_flags.end(), "--playbooks");
    const nlohmann::json playbook =
        nlohmann::json::parse(read_text(*(playbooks + 1) + "/drill-readiness.json"));
    ASSERT_FALSE(playbook["steps"].empty());
    for (const auto& step : playbook["steps"]) {
        EXPECT_EQ(step["mutates"], false) << step.dump();
    }
}

TEST_F(DrillLabTest, TheExerciseFreezesAndThawsOnlyTheDrillDaemonSet) {
    const std::string config = m_dir.path() + "/config.json";
    std::ofstream(config) << R"({"drill_exercise_daemonsets": ["kube-system/telemetry-agent"]})"
                          << '\n';
    // A DaemonSet the setting does not name is refused before anything is contacted.
    ProcessResult refused = drill({"--config", config, "--exercise", "kube-system/kube-proxy", "-w",
                                   k_healthy, "--yes", "-q"});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("drill_exercise_daemonsets"), std::string::npos) << refused.err;

    // --canary 2: both nodes in one stage, so the freeze and the thaw each take one node's time
    // (the stages themselves are the rollout tests' concern; the drill's are the same code path).
    int code = -1;
    auto document = drill_json({"--config", config, "--exercise", "kube-system/telemetry-agent",
                                "-w", k_healthy, "--canary", "2", "--yes"},
                               &code);
    EXPECT_EQ(code, 0) << document.dump(2);
    EXPECT_EQ(document["missed"], nlohmann::json::array());
    ASSERT_TRUE(document.contains("exercise")) << document.dump(2);
    ASSERT_EQ(document["exercise"]["nodes"].size(), 2U);
    for (const auto& node : document["exercise"]["nodes"]) {
        const std::string name = node["name"];
        EXPECT_EQ(node["contained"], true) << node.dump();
        EXPECT_EQ(node["restored"], true) << node.dump();
        EXPECT_GT(node["contain_ms"].get<long>(), 0) << node.dump();
        // The freeze changed the drill DaemonSet's containers and nothing else.
        const std::set<std::string> targets = m_fleet->lab->pod_task_ids(name, "target");
        EXPECT_FALSE(node["changed"].empty()) << node.dump();
        for (const auto& id : node["changed"]) {
            EXPECT_EQ(targets.count(id.get<std::string>()), 1U) << name << " changed " << id;
        }
        // And the thaw left every task running again.
        EXPECT_EQ(count_lines_with(
                      m_fleet->lab->node_exec(name, {"ctr", "-n", "k8s.io", "tasks", "ls"}).out,
                      "PAUSED"),
                  0U)
            << name;
    }
}
