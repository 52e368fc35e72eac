#include "rollout/limit_precedence.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::rollout;
using std::chrono::milliseconds;

namespace {

template <typename T> Sourced<T> from_playbook(T value) {
    return {value, Origin::playbook, "playbook daemonset-freeze"};
}
template <typename T> Sourced<T> from_config(T value) {
    return {value, Origin::config_file, "/etc/breakglass/config.json:3:5"};
}
template <typename T> Sourced<T> from_env(T value, std::string name) {
    return {value, Origin::environment, std::move(name)};
}
template <typename T> Sourced<T> from_flag(T value, std::string name) {
    return {value, Origin::flag, std::move(name)};
}

// A playbook that sets parallel 64, jump_parallel 16, rate 100, and the built-in rollout
// defaults for the rest.
RolloutLimitInputs signed_defaults() {
    RolloutLimitInputs inputs;
    inputs.parallel.baseline = from_playbook<std::int64_t>(64);
    inputs.jump_parallel.baseline = from_playbook<std::int64_t>(16);
    inputs.rate.baseline = from_playbook<std::int64_t>(100);
    inputs.canary.baseline = {k_default_canary, Origin::built_in, "default"};
    inputs.waves.baseline = {default_wave_schedule(), Origin::built_in, "default"};
    inputs.max_failures.baseline = {k_default_failure_limit, Origin::built_in, "default"};
    inputs.pause.baseline = {k_default_pause, Origin::built_in, "default"};
    return inputs;
}

LoosenRefusal refusal_of(const RolloutLimitInputs& inputs, std::size_t selected = 100) {
    auto resolved = resolve_limits(inputs, selected);
    EXPECT_FALSE(resolved.has_value()) << "should have been refused";
    if (resolved) {
        return {};
    }
    EXPECT_EQ(resolved.error().message.find('\n'), std::string::npos);
    return resolved.error();
}

WaveSchedule waves(const char* text) {
    return parse_waves(text).value();
}

} // namespace

TEST(RolloutLimitPrecedence, TheBaselineRulesWhenNothingElseIsSet) {
    auto limits = resolve_limits(signed_defaults(), 100);
    ASSERT_TRUE(limits.has_value()) << limits.error().message;
    EXPECT_EQ(limits->parallel.effective.value, 64);
    EXPECT_EQ(limits->parallel.effective.origin, Origin::playbook);
    EXPECT_EQ(limits->waves.effective.value, default_wave_schedule());
    EXPECT_FALSE(limits->parallel.loosened);
    EXPECT_TRUE(loosening_notes(*limits).empty());
}

TEST(RolloutLimitPrecedence, ConfigAndEnvironmentMayTighten) {
    RolloutLimitInputs inputs = signed_defaults();
    inputs.parallel.config_file = from_config<std::int64_t>(8);
    inputs.parallel.environment = from_env<std::int64_t>(32, "BREAKGLASS_PARALLEL");
    inputs.rate.config_file = from_config<std::int64_t>(10);
    inputs.canary.config_file = from_config<std::uint64_t>(1);
    inputs.waves.config_file = from_config(waves("1%,5%,25%,50%,100%"));
    inputs.max_failures.environment =
        from_env(FailureLimit{FailureLimit::Kind::count, 3}, "BREAKGLASS_MAX_FAILURES");
    inputs.pause.config_file = from_config(milliseconds(30'000));
    auto limits = resolve_limits(inputs, 100);
    ASSERT_TRUE(limits.has_value()) << limits.error().message;
    // The environment outranks the config file, within the baseline.
    EXPECT_EQ(limits->parallel.effective.value, 32);
    EXPECT_EQ(limits->parallel.effective.origin, Origin::environment);
    EXPECT_EQ(limits->rate.effective.value, 10);
    EXPECT_EQ(limits->waves.effective.value, waves("1%,5%,25%,50%,100%"));
    EXPECT_EQ(limits->max_failures.effective.value.value, 3U);
    EXPECT_EQ(limits->pause.effective.value, milliseconds(30'000));
    EXPECT_TRUE(loosening_notes(*limits).empty());
}

TEST(RolloutLimitPrecedence, ConfigOrEnvironmentThatLoosensIsRefused) {
    RolloutLimitInputs inputs = signed_defaults();
    inputs.parallel.config_file = from_config<std::int64_t>(128);
    const LoosenRefusal refusal = refusal_of(inputs);
    EXPECT_EQ(refusal.limit, "parallel");
    EXPECT_EQ(refusal.origin, Origin::config_file);
    EXPECT_EQ(refusal.message,
              "/etc/breakglass/config.json:3:5 sets parallel 128, looser than 64 from playbook "
              "daemonset-freeze: a config file may only tighten it; to loosen it for this run "
              "pass --parallel 128");

    RolloutLimitInputs env = signed_defaults();
    env.max_failures.environment =
        from_env(FailureLimit{FailureLimit::Kind::percent, 20}, "BREAKGLASS_MAX_FAILURES");
    const LoosenRefusal from_environment = refusal_of(env);
    EXPECT_EQ(from_environment.limit, "max_failures");
    EXPECT_EQ(from_environment.origin, Origin::environment);
    EXPECT_NE(from_environment.message.find("BREAKGLASS_MAX_FAILURES sets max_failures 20%"),
              std::string::npos)
        << from_environment.message;
    EXPECT_NE(from_environment.message.find("an environment variable may only tighten"),
              std::string::npos);
    EXPECT_NE(from_environment.message.find("--max-failures 20%"), std::string::npos);

    // A looser config file is refused even when the environment would override it with a
    // tighter value: a config that tries to loosen is wrong and should be fixed.
    RolloutLimitInputs both = signed_defaults();
    both.pause.baseline = from_playbook(milliseconds(60'000));
    both.pause.config_file = from_config(milliseconds(1'500));
    both.pause.environment = from_env(milliseconds(120'000), "BREAKGLASS_PAUSE");
    const LoosenRefusal pause = refusal_of(both);
    EXPECT_EQ(pause.origin, Origin::config_file);
    EXPECT_NE(pause.message.find("sets pause 1500ms, looser than 60s"), std::string::npos)
        << pause.message;
}

TEST(RolloutLimitPrecedence, AFlagMayLoosenAndTheResultSaysSo) {
    RolloutLimitInputs inputs = signed_defaults();
    inputs.parallel.flag = from_flag<std::int64_t>(256, "--parallel");
    // Not judged: the flag decides, and the responder is not made to fix the file first.
    inputs.parallel.config_file = from_config<std::int64_t>(512);
    inputs.max_failures.flag =
        from_flag(FailureLimit{FailureLimit::Kind::count, 2}, "--max-failures");
    auto limits = resolve_limits(inputs, 100);
    ASSERT_TRUE(limits.has_value()) << limits.error().message;
    EXPECT_EQ(limits->parallel.effective.value, 256);
    EXPECT_EQ(limits->parallel.effective.origin, Origin::flag);
    EXPECT_TRUE(limits->parallel.loosened);
    EXPECT_EQ(limits->parallel.baseline.value, 64);
    EXPECT_FALSE(limits->max_failures.loosened); // 2 of 100 is tighter than 10%
    EXPECT_EQ(loosening_notes(*limits),
              std::vector<std::string>{
                  "--parallel 256 loosens the playbook's 64 (playbook daemonset-freeze)"});
}

TEST(RolloutLimitPrecedence, WhatCountsAsLooser) {
    struct Case {
        const char* what;
        RolloutLimitInputs inputs;
        bool refused;
    };
    std::vector<Case> cases;
    const auto add = [&cases](const char* what, bool refused, auto change) {
        RolloutLimitInputs inputs = signed_defaults();
        change(inputs);
        cases.push_back({what, inputs, refused});
    };
    add("jump_parallel 17 > 16", true,
        [](auto& in) { in.jump_parallel.config_file = from_config<std::int64_t>(17); });
    add("jump_parallel 16 = 16", false,
        [](auto& in) { in.jump_parallel.config_file = from_config<std::int64_t>(16); });
    add("rate 0 is unlimited", true,
        [](auto& in) { in.rate.config_file = from_config<std::int64_t>(0); });
    add("rate 200 > 100", true,
        [](auto& in) { in.rate.config_file = from_config<std::int64_t>(200); });
    add("any rate under an unlimited one", false, [](auto& in) {
        in.rate.baseline = from_playbook<std::int64_t>(0);
        in.rate.config_file = from_config<std::int64_t>(5000);
    });
    add("canary 0 drops the canary", true,
        [](auto& in) { in.canary.config_file = from_config<std::uint64_t>(0); });
    add("canary 2 > 1", true,
        [](auto& in) { in.canary.config_file = from_config<std::uint64_t>(2); });
    add("canary 3 < 5", false, [](auto& in) {
        in.canary.baseline = from_playbook<std::uint64_t>(5);
        in.canary.config_file = from_config<std::uint64_t>(3);
    });
    add("a one-node canary where the playbook has none", false, [](auto& in) {
        in.canary.baseline = from_playbook<std::uint64_t>(0);
        in.canary.config_file = from_config<std::uint64_t>(1);
    });
    add("a two-node canary where the playbook has none", true, [](auto& in) {
        in.canary.baseline = from_playbook<std::uint64_t>(0);
        in.canary.config_file = from_config<std::uint64_t>(2);
    });
    add("waves 5%,100% skip the 25% stop", true,
        [](auto& in) { in.waves.config_file = from_config(waves("5%,100%")); });
    add("waves 10%,25%,100% start larger", true,
        [](auto& in) { in.waves.config_file = from_config(waves("10%,25%,100%")); });
    add("waves 2%,10%,50%,100% are smaller", false,
        [](auto& in) { in.waves.config_file = from_config(waves("2%,10%,50%,100%")); });
    add("waves 5%,25%,50%,100% add a stop", false,
        [](auto& in) { in.waves.config_file = from_config(waves("5%,25%,50%,100%")); });
    add("max_failures 11 > 10% of 100", true, [](auto& in) {
        in.max_failures.config_file = from_config(FailureLimit{FailureLimit::Kind::count, 11});
    });
    add("max_failures 10 = 10% of 100", false, [](auto& in) {
        in.max_failures.config_file = from_config(FailureLimit{FailureLimit::Kind::count, 10});
    });
    add("max_failures 5% < 10%", false, [](auto& in) {
        in.max_failures.config_file = from_config(FailureLimit{FailureLimit::Kind::percent, 5});
    });
    add("pause 0s < 30s", true, [](auto& in) {
        in.pause.baseline = from_playbook(milliseconds(30'000));
        in.pause.environment = from_env(milliseconds(0), "BREAKGLASS_PAUSE");
    });
    add("pause 1m > 30s", false, [](auto& in) {
        in.pause.baseline = from_playbook(milliseconds(30'000));
        in.pause.environment = from_env(milliseconds(60'000), "BREAKGLASS_PAUSE");
    });
    for (const Case& c : cases) {
        auto resolved = resolve_limits(c.inputs, 100);
        EXPECT_EQ(!resolved.has_value(), c.refused)
            << c.what << (resolved ? "" : ": " + resolved.error().message);
    }
}

TEST(RolloutLimitPrecedence, ACountAndAPercentageAreComparedOnThisRun) {
    // 5 failures are tighter than 10% of 1000 nodes but looser than 10% of 20.
    RolloutLimitInputs inputs = signed_defaults();
    inputs.max_failures.config_file = from_config(FailureLimit{FailureLimit::Kind::count, 5});
    EXPECT_TRUE(resolve_limits(inputs, 1000).has_value());
    const LoosenRefusal refusal = refusal_of(inputs, 20);
    EXPECT_NE(refusal.message.find("sets max_failures 5, looser than 10% from default"),
              std::string::npos)
        << refusal.message;
}

TEST(RolloutLimitPrecedence, PlacesAreQuotedTerminalSafe) {
    RolloutLimitInputs inputs = signed_defaults();
    inputs.parallel.config_file = {512, Origin::config_file, "/tmp/\x1b]52;c;evil\x07.json:1:1"};
    const LoosenRefusal refusal = refusal_of(inputs);
    EXPECT_EQ(refusal.message.find('\x1b'), std::string::npos) << refusal.message;
    EXPECT_EQ(refusal.message.find('\x07'), std::string::npos) << refusal.message;
}
