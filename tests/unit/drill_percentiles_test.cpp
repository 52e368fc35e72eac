#include "drill/percentiles.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;
using std::chrono::milliseconds;

namespace {

std::vector<milliseconds> one_to(long n) {
    std::vector<milliseconds> values;
    for (long i = n; i >= 1; --i) { // descending: percentiles_of must sort
        values.emplace_back(i);
    }
    return values;
}

} // namespace

TEST(DrillPercentiles, NearestRankOfOneToHundredIsTheRankItself) {
    auto values = percentiles_of(one_to(100));
    ASSERT_TRUE(values);
    EXPECT_EQ(values->p50, milliseconds(50));
    EXPECT_EQ(values->p95, milliseconds(95));
    EXPECT_EQ(values->p99, milliseconds(99));
    EXPECT_EQ(values->sum, milliseconds(5050));
    EXPECT_EQ(values->count, 100U);
}

TEST(DrillPercentiles, SmallSamplesRoundTheRankUpAndNeverInterpolate) {
    // n = 10: p50 is rank 5, p95 rank ceil(9.5) = 10, p99 rank ceil(9.9) = 10.
    auto ten = percentiles_of(one_to(10));
    ASSERT_TRUE(ten);
    EXPECT_EQ(ten->p50, milliseconds(5));
    EXPECT_EQ(ten->p95, milliseconds(10));
    EXPECT_EQ(ten->p99, milliseconds(10));
    auto single = percentiles_of({milliseconds(7)});
    ASSERT_TRUE(single);
    EXPECT_EQ(single->p50, milliseconds(7));
    EXPECT_EQ(single->p99, milliseconds(7));
    // n = 3: p50 is rank ceil(1.5) = 2, the middle value.
    auto three = percentiles_of({milliseconds(30), milliseconds(10), milliseconds(20)});
    EXPECT_EQ(three->p50, milliseconds(20));
}

TEST(DrillPercentiles, NoSamplesHaveNoPercentiles) {
    EXPECT_FALSE(percentiles_of({}));
}

TEST(DrillPercentiles, SlowestAreLargestFirstWithTiesInIndexOrder) {
    const std::vector<milliseconds> times{milliseconds(5), milliseconds(9), milliseconds(1),
                                          milliseconds(9), milliseconds(7)};
    EXPECT_EQ(slowest(times, 3), (std::vector<std::size_t>{1, 3, 4}));
    EXPECT_EQ(slowest(times, 10).size(), 5U);
    EXPECT_TRUE(slowest(times, 0).empty());
}
