#include "drill/sample.hpp"

#include <set>

#include <gtest/gtest.h>

using namespace breakglass::drill;
using breakglass::rollout::PlanNode;

namespace {

// 30 nodes in three zones of 10, listed zone by zone.
std::vector<PlanNode> three_zones() {
    std::vector<PlanNode> nodes;
    for (int i = 0; i < 30; ++i) {
        nodes.push_back({"node" + std::to_string(i), "zone-" + std::to_string(i / 10)});
    }
    return nodes;
}

} // namespace

TEST(DrillSample, ParsesCountsAndSharesAndRefusesNothing) {
    auto count = parse_sample("5");
    ASSERT_TRUE(count);
    EXPECT_EQ(count->kind, SampleSize::Kind::count);
    EXPECT_EQ(count->value, 5U);
    auto share = parse_sample("10%");
    ASSERT_TRUE(share);
    EXPECT_EQ(share->kind, SampleSize::Kind::percent);
    EXPECT_FALSE(parse_sample("0"));
    EXPECT_FALSE(parse_sample("0%"));
    EXPECT_FALSE(parse_sample("101%"));
    EXPECT_FALSE(parse_sample("-1"));
    EXPECT_FALSE(parse_sample("05"));
    EXPECT_FALSE(parse_sample(""));
}

TEST(DrillSample, CountsRoundSharesUpAndStayWithinTheFleet) {
    EXPECT_EQ(sample_count({SampleSize::Kind::percent, 10}, 30), 3U);
    EXPECT_EQ(sample_count({SampleSize::Kind::percent, 10}, 31), 4U);
    EXPECT_EQ(sample_count({SampleSize::Kind::percent, 1}, 5), 1U);
    EXPECT_EQ(sample_count({SampleSize::Kind::count, 50}, 30), 30U);
    EXPECT_EQ(sample_count({SampleSize::Kind::count, 3}, 0), 0U);
}

TEST(DrillSample, TheSameSeedPicksTheSameNodesAndAnotherSeedOthers) {
    const auto nodes = three_zones();
    const SampleSize six{SampleSize::Kind::count, 6};
    const auto first = pick_sample(nodes, six, 42);
    EXPECT_EQ(first, pick_sample(nodes, six, 42));
    EXPECT_EQ(first.size(), 6U);
    EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
    bool differs = false;
    for (std::uint64_t seed = 1; seed < 20 && !differs; ++seed) {
        differs = pick_sample(nodes, six, seed) != first;
    }
    EXPECT_TRUE(differs);
}

TEST(DrillSample, ASampleSpansEveryZoneItCan) {
    const auto nodes = three_zones();
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        std::set<std::string> zones;
        for (std::size_t index : pick_sample(nodes, SampleSize{SampleSize::Kind::count, 3}, seed)) {
            zones.insert(*nodes[index].zone);
        }
        EXPECT_EQ(zones.size(), 3U) << "seed " << seed;
    }
}

TEST(DrillSample, NoSampleMeansEveryNode) {
    const auto all = pick_sample(three_zones(), std::nullopt, 7);
    EXPECT_EQ(all.size(), 30U);
    EXPECT_EQ(all.front(), 0U);
    EXPECT_EQ(all.back(), 29U);
}
