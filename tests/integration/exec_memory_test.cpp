// Bounded memory under a flood of output. Asserts a memory figure, so it carries the `timing`
// label and runs in the plain build only (sanitizers change memory use).
#include "tests/integration/support/lab_fleet.hpp"

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::TempDir;

TEST(ExecMemory, FiftyMegabytesOfOutputStaysUnderTheCap) {
    if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
        GTEST_SKIP() << missing;
    }
    LabFleet fleet("flood", 2, 1);
    TempDir dir;
    const std::string inventory = dir.path() + "/inventory.json";
    fleet.import_inventory(inventory);
    auto result =
        fleet.breakglass({"exec", "-i", inventory, "--read-only", "-o", "json", "--max-output",
                          "1MiB", "--", "head -c 50000000 /dev/zero | tr '\\0' x"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto document = nlohmann::json::parse(result.out);
    for (const auto& node : document["nodes"]) {
        EXPECT_EQ(node["stdout_bytes"], 50000000);
        EXPECT_EQ(node["stdout"].get<std::string>().size(), 1U << 20U);
        EXPECT_EQ(node["stdout_dropped_bytes"], 50000000 - (1 << 20));
    }
    // Two nodes keep 1 MiB each (plus the JSON copy); 50 MB each would be 100 MB.
    EXPECT_LT(result.max_rss_kib, 40 * 1024) << "peak RSS " << result.max_rss_kib << " KiB";
}
