// The inventory against the real lab: import the fleet as users import theirs, select from it,
// and pin host keys over real key exchanges with real sshds.
#include "tests/integration/support/lab_fleet.hpp"

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <set>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::ProcessResult;
using breakglass::testing::TempDir;

namespace {

class InventoryLabTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        m_fleet = std::make_unique<LabFleet>("inventory", 6, 3);
        m_inventory = m_dir.path() + "/inventory.json";
        ProcessResult imported = m_fleet->breakglass(
            {"inventory", "import", "--lab", m_fleet->description_path(), "-O", m_inventory});
        ASSERT_EQ(imported.exit_code, 0) << imported.err;
        ASSERT_NE(imported.out.find("imported 6 nodes (6 with pinned host keys)"),
                  std::string::npos)
            << imported.out;
    }

    nlohmann::json read_inventory() const {
        std::ifstream stream(m_inventory);
        return nlohmann::json::parse(stream);
    }

    void write_inventory(const nlohmann::json& document) const {
        std::ofstream(m_inventory) << document.dump(2);
    }

    ProcessResult inventory(std::vector<std::string> args) const {
        args.insert(args.begin(), {"-i", m_inventory, "inventory"});
        return m_fleet->breakglass(args);
    }

    // Runs scan-host-keys -o json and returns its document, checking the exit code.
    nlohmann::json scan(const std::vector<std::string>& extra, int expected_exit) const {
        std::vector<std::string> args{"scan-host-keys", "-o", "json", "--connect-timeout", "2s"};
        args.insert(args.end(), extra.begin(), extra.end());
        ProcessResult result = inventory(args);
        EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
        return nlohmann::json::parse(result.out);
    }

    static std::map<std::string, std::string> statuses(const nlohmann::json& report) {
        std::map<std::string, std::string> by_name;
        for (const auto& node : report["nodes"]) {
            by_name[node["name"]] = node["status"];
        }
        return by_name;
    }

    TempDir m_dir;
    std::unique_ptr<LabFleet> m_fleet;
    std::string m_inventory;
};

} // namespace

TEST_F(InventoryLabTest, ImportedFleetSelectsByLabelsAndNodeSets) {
    const nlohmann::json document = read_inventory();
    ASSERT_EQ(document["nodes"].size(), 6U);
    EXPECT_EQ(document["defaults"]["user"], "root");

    ProcessResult all = inventory({"list", "-o", "json"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_NE(all.err.find("captured"), std::string::npos) << all.err; // the age is shown
    const auto listed = nlohmann::json::parse(all.out);
    EXPECT_EQ(listed["schema_version"], 1);
    EXPECT_EQ(listed["count"], 6);
    EXPECT_EQ(listed["nodeset"], "node[0001-0006]");

    ProcessResult gpus = inventory({"list", "-o", "json", "-l", "node-role.kubernetes.io/gpu"});
    ASSERT_EQ(gpus.exit_code, 0) << gpus.err;
    EXPECT_EQ(nlohmann::json::parse(gpus.out)["nodeset"], "node[0002,0004,0006]");

    ProcessResult sshd0 =
        inventory({"list", "-o", "json", "-l", "lab.breakglass.dev/sshd=0", "-x", "node0001"});
    ASSERT_EQ(sshd0.exit_code, 0) << sshd0.err;
    EXPECT_EQ(nlohmann::json::parse(sshd0.out)["nodeset"], "node0004");

    ProcessResult bad_selector = inventory({"list", "-l", "lab.breakglass.dev/sshd in 0"});
    EXPECT_EQ(bad_selector.exit_code, 2) << bad_selector.err;
    EXPECT_NE(bad_selector.err.find("column 28"), std::string::npos) << bad_selector.err;

    // A range over a gap selects what the inventory has and says what it lacks, on one line;
    // an exact name it lacks is a typo (exit 3), and so is any missing name when strict.
    ProcessResult gap = inventory({"list", "-w", "node[0006-0007]"});
    EXPECT_EQ(gap.exit_code, 0) << gap.err;
    EXPECT_NE(gap.err.find("breakglass: warning: -w node[0006-0007]: 1 of 2 names in the "
                           "inventory; missing node0007\n"),
              std::string::npos)
        << gap.err;
    ProcessResult unknown = inventory({"list", "-w", "node0006,node0007"});
    EXPECT_EQ(unknown.exit_code, 3) << unknown.err;
    EXPECT_NE(unknown.err.find("node0007"), std::string::npos) << unknown.err;
    ProcessResult strict = inventory({"list", "--strict-selection", "-w", "node[0006-0007]"});
    EXPECT_EQ(strict.exit_code, 3) << strict.err;
}

TEST_F(InventoryLabTest, ScanPinsThreeDistinctKeysAndReportsASwappedKey) {
    // Start from an inventory without keys, as after a kubectl import without --known-hosts.
    nlohmann::json document = read_inventory();
    for (auto& node : document["nodes"]) {
        node["host_keys"] = nlohmann::json::array();
    }
    write_inventory(document);

    const nlohmann::json first = scan({}, 0);
    EXPECT_EQ(first["summary"]["new"], 6);
    document = read_inventory();
    std::set<std::string> pinned;
    for (const auto& node : document["nodes"]) {
        ASSERT_EQ(node["host_keys"].size(), 1U) << node.dump();
        EXPECT_TRUE(node.contains("host_keys_scanned_at")) << node.dump();
        pinned.insert(node["host_keys"][0].get<std::string>());
    }
    EXPECT_EQ(pinned.size(), 3U); // three sshds, three distinct keys
    // What was pinned is what the lab's sshds really hold.
    for (std::size_t i = 0; i < document["nodes"].size(); ++i) {
        // The description may carry a comment after the key; the pin never does.
        const std::string& expected = m_fleet->description()["nodes"][i]["host_key"];
        const std::string got = document["nodes"][i]["host_keys"][0];
        EXPECT_EQ(expected.rfind(got, 0), 0U) << expected << " vs " << got;
    }

    // Swap: node0001 now claims node0002's key (another sshd's), as an attacker's box would.
    const std::string swapped = document["nodes"][1]["host_keys"][0];
    const std::string real = document["nodes"][0]["host_keys"][0];
    ASSERT_NE(swapped, real);
    document["nodes"][0]["host_keys"][0] = swapped;
    write_inventory(document);

    const nlohmann::json second = scan({}, 1);
    EXPECT_EQ(second["summary"]["changed"], 1);
    EXPECT_EQ(second["summary"]["unchanged"], 5);
    EXPECT_EQ(statuses(second)["node0001"], "changed");
    EXPECT_EQ(second["nodes"][0]["host_key"], real);
    EXPECT_EQ(second["nodes"][0]["previous"][0], swapped);
    // Not accepted: the pin stays as it was.
    EXPECT_EQ(read_inventory()["nodes"][0]["host_keys"][0], swapped);

    ProcessResult human = inventory({"scan-host-keys", "-w", "node0001"});
    EXPECT_EQ(human.exit_code, 1);
    EXPECT_NE(human.out.find("CHANGED"), std::string::npos) << human.out;

    const nlohmann::json accepted = scan({"--accept-changed", "-w", "node0001"}, 0);
    EXPECT_EQ(accepted["summary"]["changed"], 1);
    EXPECT_EQ(read_inventory()["nodes"][0]["host_keys"][0], real);
    EXPECT_EQ(scan({}, 0)["summary"]["unchanged"], 6);
}

TEST_F(InventoryLabTest, UnreachableNodesAreReportedAndKeepTheirPins) {
    nlohmann::json document = read_inventory();
    const std::string pinned = document["nodes"][2]["host_keys"][0];
    document["nodes"][2]["port"] = 1; // nothing listens there in the namespace
    write_inventory(document);
    const nlohmann::json report = scan({"-w", "node[0001-0003]"}, 1);
    EXPECT_EQ(report["summary"]["unreachable"], 1);
    EXPECT_EQ(report["summary"]["unchanged"], 2);
    EXPECT_EQ(statuses(report)["node0003"], "unreachable");
    EXPECT_EQ(read_inventory()["nodes"][2]["host_keys"][0], pinned);
}

// Staleness through the real binary; needs no lab, only the kubectl fixture.
TEST(InventoryCli, AgeIsShownStaleWarnsThenRefuses) {
    TempDir dir;
    const std::string path = dir.path() + "/inventory.json";
    const std::string fixture =
        breakglass::testing::source_dir() + "/tests/fixtures/kubectl/nodes.json";
    const auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), breakglass::testing::breakglass_binary());
        return breakglass::testing::run_process(args);
    };
    const auto import_at = [&](const std::string& captured_at) {
        ProcessResult imported = run({"inventory", "import", "--kubectl", fixture, "--cluster",
                                      "prod-eu", "--captured-at", captured_at, "-O", path});
        ASSERT_EQ(imported.exit_code, 0) << imported.err;
        EXPECT_NE(imported.err.find("without an InternalIP: virtual-kubelet-01"), std::string::npos)
            << imported.err;
    };
    const auto at = [](std::chrono::hours ago) {
        const std::time_t time =
            std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - ago);
        std::tm utc{};
        ::gmtime_r(&time, &utc);
        char text[32];
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
        return std::string(text);
    };

    import_at(at(std::chrono::hours(2)));
    ProcessResult fresh = run({"-i", path, "inventory", "list", "-w", "cpu-worker-[001-002]"});
    ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
    EXPECT_NE(fresh.err.find("inventory: prod-eu (6 nodes), captured "), std::string::npos);
    EXPECT_NE(fresh.err.find(", 2h ago"), std::string::npos) << fresh.err;
    EXPECT_EQ(fresh.err.find("warning"), std::string::npos) << fresh.err;
    EXPECT_NE(fresh.out.find("2 of 6 nodes: cpu-worker-[001-002]"), std::string::npos) << fresh.out;

    import_at(at(std::chrono::hours(50)));
    ProcessResult stale = run({"-i", path, "inventory", "list"});
    ASSERT_EQ(stale.exit_code, 0) << stale.err;
    EXPECT_NE(stale.err.find("2d2h ago (STALE)"), std::string::npos) << stale.err;
    EXPECT_NE(stale.err.find("past stale_warn (1d)"), std::string::npos) << stale.err;

    import_at(at(std::chrono::hours(24 * 8)));
    ProcessResult refused = run({"-i", path, "inventory", "list"});
    EXPECT_EQ(refused.exit_code, 3);
    EXPECT_NE(refused.err.find("past stale_refuse (7d)"), std::string::npos) << refused.err;
    EXPECT_TRUE(refused.out.empty());
    ProcessResult allowed = run({"-i", path, "inventory", "list", "--allow-stale"});
    EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
    // The limits are settings: the environment can widen them.
    const auto relaxed = breakglass::testing::run_process(
        {breakglass::testing::breakglass_binary(), "-i", path, "inventory", "list"},
        std::chrono::seconds(60), "", {"BREAKGLASS_STALE_REFUSE=30d"});
    EXPECT_EQ(relaxed.exit_code, 0) << relaxed.err;

    ProcessResult bad_time = run({"inventory", "import", "--kubectl", fixture, "--cluster", "x",
                                  "--captured-at", "yesterday", "-O", path});
    EXPECT_EQ(bad_time.exit_code, 2) << bad_time.err;
    ProcessResult no_cluster = run({"inventory", "import", "--kubectl", fixture, "-O", path});
    EXPECT_EQ(no_cluster.exit_code, 2) << no_cluster.err;
    ProcessResult missing = run({"-i", dir.path() + "/absent.json", "inventory", "list"});
    EXPECT_EQ(missing.exit_code, 3) << missing.err;
}
