#include "config/units.hpp"

#include <gtest/gtest.h>

using namespace breakglass::config;
using std::chrono::milliseconds;

TEST(ConfigUnits, ParsesDurations) {
    EXPECT_EQ(parse_duration("250ms").value(), milliseconds(250));
    EXPECT_EQ(parse_duration("5s").value(), milliseconds(5000));
    EXPECT_EQ(parse_duration("5").value(), milliseconds(5000));
    EXPECT_EQ(parse_duration("2m").value(), milliseconds(120'000));
    EXPECT_EQ(parse_duration("1h30m").value(), milliseconds(5'400'000));
    EXPECT_EQ(parse_duration("7d").value(), milliseconds(604'800'000));
    EXPECT_EQ(parse_duration("0").value(), milliseconds(0));
}

TEST(ConfigUnits, RejectsMalformedDurations) {
    for (const char* bad : {"", "s", "5x", "-5s", "1h30", "5 s", "1.5s", "99999999999999999999s"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(ConfigUnits, FormatsDurationsExactly) {
    EXPECT_EQ(format_duration(milliseconds(0)), "0s");
    EXPECT_EQ(format_duration(milliseconds(5000)), "5s");
    EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h30m");
    EXPECT_EQ(format_duration(milliseconds(1250)), "1s250ms");
    EXPECT_EQ(parse_duration(format_duration(milliseconds(90'061'001))).value(),
              milliseconds(90'061'001));
}

TEST(ConfigUnits, ParsesAndFormatsSizes) {
    EXPECT_EQ(parse_size("1048576").value(), 1048576U);
    EXPECT_EQ(parse_size("1MiB").value(), 1048576U);
    EXPECT_EQ(parse_size("512KiB").value(), 524288U);
    EXPECT_EQ(parse_size("2G").value(), 2ULL << 30U);
    EXPECT_FALSE(parse_size("1MB").has_value());
    EXPECT_FALSE(parse_size("MiB").has_value());
    EXPECT_FALSE(parse_size("99999999999GiB").has_value());
    EXPECT_EQ(format_size(1048576), "1MiB");
    EXPECT_EQ(format_size(1000), "1000");
}
