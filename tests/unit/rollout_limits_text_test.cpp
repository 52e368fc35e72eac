#include "rollout/limits_text.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::rollout;

namespace {

using Kind = InputError::Kind;

struct BadText {
    std::string text;
    Kind kind;
};

void expect_one_line(const InputError& error) {
    EXPECT_FALSE(error.message.empty());
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find('\x1b'), std::string::npos) << error.message;
}

// Each text is refused by `parse` with its kind, in one terminal-safe line.
template <typename Parse, std::size_t N>
void expect_refused(Parse parse, const BadText (&cases)[N]) {
    for (const BadText& bad : cases) {
        auto parsed = parse(bad.text);
        ASSERT_FALSE(parsed.has_value()) << "'" << bad.text << "' should be refused";
        EXPECT_EQ(parsed.error().kind, bad.kind) << bad.text << ": " << parsed.error().message;
        expect_one_line(parsed.error());
    }
}

} // namespace

TEST(RolloutLimitsText, WavesParseAndPrintBack) {
    auto waves = parse_waves("5%,25%,100%");
    ASSERT_TRUE(waves.has_value()) << waves.error().message;
    EXPECT_EQ(*waves, default_wave_schedule());
    EXPECT_EQ(to_text(*waves), "5%,25%,100%");
    auto one = parse_waves("100%");
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->percents, std::vector<unsigned>{100});
    auto many = parse_waves("1%,2%,10%,50%,99%,100%");
    ASSERT_TRUE(many.has_value());
    EXPECT_EQ(to_text(*many), "1%,2%,10%,50%,99%,100%");
}

TEST(RolloutLimitsText, BadWavesAreTypedOneLineErrors) {
    const BadText cases[] = {
        {"", Kind::empty},
        {"5%,,100%", Kind::empty},
        {"5%,25%,", Kind::empty},
        {",100%", Kind::empty},
        {"5,25,100", Kind::syntax},
        {"5%,25%,100", Kind::syntax},
        {" 5%,100%", Kind::syntax},
        {"5%, 100%", Kind::syntax},
        {"5% ,100%", Kind::syntax},
        {"+5%,100%", Kind::syntax},
        {"-5%,100%", Kind::syntax},
        {"5.5%,100%", Kind::syntax},
        {"%,100%", Kind::syntax},
        {"5%%,100%", Kind::syntax},
        {"0x5%,100%", Kind::syntax},
        {"5%;100%", Kind::syntax},
        {"all", Kind::syntax},
        {"5%\x1b[2J,100%", Kind::syntax},
        {"05%,100%", Kind::leading_zero},
        {"00%,100%", Kind::leading_zero},
        {"0%,100%", Kind::out_of_range},
        {"101%", Kind::out_of_range},
        {"5%,1000%", Kind::out_of_range},
        {"99999999999999999999999%", Kind::out_of_range},
        {"25%,5%,100%", Kind::not_increasing},
        {"5%,5%,100%", Kind::not_increasing},
        {"5%,100%,100%", Kind::not_increasing},
        {"5%,25%", Kind::last_not_full},
        {"50%", Kind::last_not_full},
    };
    expect_refused(parse_waves, cases);
    // The message names the wave at fault and what it should be.
    EXPECT_NE(parse_waves("5%,25%,50").error().message.find("wave 3"), std::string::npos);
    EXPECT_NE(parse_waves("25%,5%,100%").error().message.find("cumulative"), std::string::npos);
    EXPECT_NE(parse_waves("5%,25%").error().message.find("100%"), std::string::npos);
    // Exact wording, without the place: the caller prefixes "--waves: " or the config key.
    EXPECT_EQ(parse_waves("5%,25%,50").error().message,
              "wave 3 '50' is not a percentage such as 25%");
    EXPECT_EQ(parse_waves("5%,05%,100%").error().message,
              "wave 2 '05%' has a leading zero (a percentage is 1% to 100%)");
    EXPECT_EQ(parse_waves("5%\x1b[2J,100%").error().message,
              "wave 1 '5%\\x1b[2J' is not a percentage such as 25%");
    EXPECT_EQ(parse_canary("01").error().message, "'01' has a leading zero");
    EXPECT_EQ(parse_max_failures("ten").error().message,
              "'ten' is not a whole number (digits only) (a number of nodes, or a percentage "
              "such as 10%)");
}

TEST(RolloutLimitsText, Canary) {
    EXPECT_EQ(parse_canary("0").value(), 0U);
    EXPECT_EQ(parse_canary("1").value(), 1U);
    EXPECT_EQ(parse_canary("25").value(), 25U);
    EXPECT_EQ(parse_canary("10000000").value(), k_max_count);
    const BadText cases[] = {
        {"", Kind::empty},
        {"-1", Kind::syntax},
        {"+1", Kind::syntax},
        {"1.0", Kind::syntax},
        {" 1", Kind::syntax},
        {"1 ", Kind::syntax},
        {"one", Kind::syntax},
        {"1%", Kind::syntax},
        {"01", Kind::leading_zero},
        {"00", Kind::leading_zero},
        {"10000001", Kind::out_of_range},
        {"99999999999999999999", Kind::out_of_range},
    };
    expect_refused(parse_canary, cases);
}

TEST(RolloutLimitsText, MaxFailures) {
    EXPECT_EQ(parse_max_failures("0").value(), (FailureLimit{FailureLimit::Kind::count, 0}));
    EXPECT_EQ(parse_max_failures("3").value(), (FailureLimit{FailureLimit::Kind::count, 3}));
    EXPECT_EQ(parse_max_failures("10%").value(), k_default_failure_limit);
    EXPECT_EQ(parse_max_failures("0%").value(), (FailureLimit{FailureLimit::Kind::percent, 0}));
    EXPECT_EQ(parse_max_failures("100%").value(), (FailureLimit{FailureLimit::Kind::percent, 100}));
    EXPECT_EQ(to_text(*parse_max_failures("7")), "7");
    EXPECT_EQ(to_text(*parse_max_failures("7%")), "7%");
    const BadText cases[] = {
        {"", Kind::empty},
        {"%", Kind::syntax},
        {"-1", Kind::syntax},
        {"10 %", Kind::syntax},
        {"10%%", Kind::syntax},
        {"5.5%", Kind::syntax},
        {"1e3", Kind::syntax},
        {"ten", Kind::syntax},
        {"10%,20%", Kind::syntax},
        {"010", Kind::leading_zero},
        {"05%", Kind::leading_zero},
        {"101%", Kind::out_of_range},
        {"10000001", Kind::out_of_range},
    };
    expect_refused(parse_max_failures, cases);
}

TEST(RolloutLimitsText, Seed) {
    EXPECT_EQ(parse_seed("0").value(), 0U);
    EXPECT_EQ(parse_seed("18446744073709551615").value(), 18446744073709551615ULL);
    EXPECT_EQ(parse_seed("18446744073709551616").error().kind, Kind::out_of_range);
    EXPECT_EQ(parse_seed("99999999999999999999").error().kind, Kind::out_of_range);
    EXPECT_EQ(parse_seed("042").error().kind, Kind::leading_zero);
    EXPECT_EQ(parse_seed("-1").error().kind, Kind::syntax);
    EXPECT_EQ(parse_seed("").error().kind, Kind::empty);
}
