// How long exec's timeouts take, on the real lab fleet. Clock assertions only run in the plain
// build (label `timing`): exec_test.cpp checks the same runs' statuses and reasons everywhere.
#include "tests/integration/support/lab_fleet.hpp"

#include <fstream>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::nodes_of;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using namespace std::chrono_literals;

TEST(ExecTiming, TimeoutsEndRunsOnTimeNotWhenTheCommandEnds) {
    if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
        GTEST_SKIP() << missing;
    }
    LabFleet fleet("exec-timing", 8, 2);
    TempDir dir;
    const std::string inventory = dir.path() + "/inventory.json";
    fleet.import_inventory(inventory);
    const auto exec = [&](std::vector<std::string> args) {
        // Read-only commands, so the inventory edited below (no longer signed) still serves.
        args.insert(args.begin(), {"exec", "-i", inventory, "-o", "json", "--read-only"});
        return fleet.breakglass(args, 120s);
    };

    // The command timeout: not early, and not the 30 s the command would take.
    auto slow = exec({"-w", "node[0001-0002]", "--timeout", "2s", "--", "sleep 30"});
    for (const auto& node : nodes_of(slow.out)) {
        EXPECT_EQ(node["reason"], "command-timeout");
    }
    EXPECT_GE(slow.elapsed, 1900ms);
    EXPECT_LT(slow.elapsed, 8s);

    // The run's deadline ends every node, those never started too, at once.
    auto deadline = exec({"-p", "2", "--deadline", "3s", "--", "sleep 60"});
    EXPECT_EQ(nodes_of(deadline.out).size(), 8U);
    EXPECT_LT(deadline.elapsed, 8s);

    // sudo that wants a password is denied at once, not after a prompt times out.
    const std::string user = fleet.description()["users"]["sudo_password"];
    auto denied = exec({"-w", "node0001", "--user", user, "--become", "--", "id -u"});
    EXPECT_EQ(denied.exit_code, 1);
    EXPECT_LT(denied.elapsed, 10s);

    // A silently dropped port ends at the connect timeout.
    ASSERT_EQ(run_process(fleet.in_namespace({"iptables", "-A", "INPUT", "-p", "tcp", "--dport",
                                              "2298", "-j", "DROP"}))
                  .exit_code,
              0);
    nlohmann::json document;
    {
        std::ifstream stream(inventory);
        document = nlohmann::json::parse(stream);
    }
    document["nodes"][0]["port"] = 2298;
    std::ofstream(inventory) << document.dump(2);
    auto dropped = exec({"-w", "node0001", "--connect-timeout", "1s", "--", "true"});
    EXPECT_EQ(nodes_of(dropped.out).at(0)["reason"], "connect-timeout");
    EXPECT_LT(dropped.elapsed, 10s);
}
