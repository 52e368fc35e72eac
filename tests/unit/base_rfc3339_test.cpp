#include "base/rfc3339.hpp"

#include <string>

#include <gtest/gtest.h>

using breakglass::base::format_rfc3339;
using breakglass::base::parse_rfc3339;

namespace {

// The parsed time written back in UTC, or the error for a refused text.
std::string normalised(const std::string& text) {
    auto parsed = parse_rfc3339(text);
    return parsed ? format_rfc3339(*parsed) : "refused: " + parsed.error();
}

} // namespace

TEST(BaseRfc3339, ReadsUtcAndWritesItBack) {
    EXPECT_EQ(normalised("2026-11-24T08:00:00Z"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00Z");
    EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01Z")->time_since_epoch().count(), 1);
    // RFC 3339 allows lower-case t and z; both copies this parser replaced accepted them.
    EXPECT_EQ(normalised("2024-02-29t23:59:59z"), "2024-02-29T23:59:59Z");
}

TEST(BaseRfc3339, OffsetsAreFoldedIntoUtc) {
    EXPECT_EQ(normalised("2026-11-24T01:00:00-07:00"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("2026-11-24T22:00:00-02:30"), "2026-11-25T00:30:00Z");
    EXPECT_EQ(normalised("2026-01-01T00:30:00+01:00"), "2025-12-31T23:30:00Z");
    EXPECT_EQ(normalised("2026-11-24T08:00:00+00:00"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("2026-11-24T08:00:00-00:00"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("2026-11-24T08:00:00+23:59"), "2026-11-23T08:01:00Z");
}

TEST(BaseRfc3339, FractionsAreDroppedNotRounded) {
    EXPECT_EQ(normalised("2026-11-24T08:00:00.123456Z"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("2026-11-24T08:00:00.999999999Z"), "2026-11-24T08:00:00Z");
    EXPECT_EQ(normalised("2026-11-24T22:00:00.5+01:00"), "2026-11-24T21:00:00Z");
}

TEST(BaseRfc3339, LeapSecondIsTheFirstSecondOfTheNextMinute) {
    EXPECT_EQ(normalised("2016-12-31T23:59:60Z"), "2017-01-01T00:00:00Z");
    EXPECT_EQ(normalised("2016-12-31T18:59:60-05:00"), "2017-01-01T00:00:00Z");
    EXPECT_EQ(normalised("2016-12-31T23:59:61Z").substr(0, 8), "refused:");
}

TEST(BaseRfc3339, ASpaceSeparatorIsRefused) {
    // The stricter of the two parsers it replaced wins: inventory's accepted a space.
    EXPECT_EQ(normalised("2026-11-24 08:00:00Z"),
              "refused: expected an RFC 3339 time such as 2026-11-24T08:00:00Z, got "
              "'2026-11-24 08:00:00Z'");
}

TEST(BaseRfc3339, RefusesWhatIsNotAFullDateTime) {
    for (const char* text : {"",
                             "now",
                             "2026-11-24",
                             "2026-11-24T08:00:00",
                             "2026-11-24T08:00Z",
                             "2026-11-24T08:00:00Zx",
                             "2026-11-24T08:00:00.Z",
                             "2026-11-24T08:00:00+1:00",
                             "2026-11-24T08:00:00+01",
                             "2026-11-24T08:00:00+0100",
                             "2026-11-24T08:00:00+24:00",
                             "2026-11-24T08:00:00+01:60",
                             "2026-02-30T00:00:00Z",
                             "2025-02-29T00:00:00Z",
                             "2026-13-01T00:00:00Z",
                             "2026-00-01T00:00:00Z",
                             "2026-11-24T24:00:00Z",
                             "2026-11-24T08:60:00Z",
                             "26-11-24T08:00:00Z",
                             "2026-11-24T8:00:00Z",
                             "+026-11-24T08:00:00Z",
                             "2026-11-24T08:00:00 Z",
                             "2026-11-24_08:00:00Z"}) {
        EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
    }
    // A text cut anywhere inside a valid one is refused without reading past its end.
    const std::string full = "2026-11-24T08:00:00.5+01:00";
    for (std::size_t size = 0; size < full.size(); ++size) {
        EXPECT_FALSE(parse_rfc3339(full.substr(0, size)).has_value()) << full.substr(0, size);
    }
}
