// Between two stages of a rollout: what stops it, in which order, when it pauses and when it
// asks the responder. cli/fleet_run.cpp asks these questions; it decides none of the answers.
#include "rollout/stage_gate.hpp"

#include <gtest/gtest.h>

using namespace breakglass::rollout;
using namespace std::chrono_literals;

namespace {

WavePlan plan_of(std::initializer_list<bool> canaries) {
    WavePlan plan;
    for (bool canary : canaries) {
        Wave wave;
        wave.canary = canary;
        plan.waves.push_back(wave);
    }
    return plan;
}

} // namespace

TEST(RolloutStageGate, AHealthyRunGoesOn) {
    EXPECT_EQ(stop_before_stage(BetweenStages{}), Stop::none);
}

TEST(RolloutStageGate, EachConditionAloneStopsTheRunWithItsOwnReason) {
    EXPECT_EQ(stop_before_stage({.draining = true}), Stop::interrupted);
    EXPECT_EQ(stop_before_stage({.audit_healthy = false}), Stop::audit);
    EXPECT_EQ(stop_before_stage({.budget_crossed = true}), Stop::budget);
    EXPECT_EQ(stop_before_stage({.past_deadline = true}), Stop::deadline);
}

// The first that applies names the stop, so a signal is never reported as a budget stop, and
// a run whose log failed never reports the budget or the deadline instead.
TEST(RolloutStageGate, ASignalComesFirstThenTheAuditLogThenTheBudgetThenTheDeadline) {
    EXPECT_EQ(stop_before_stage({true, false, true, true}), Stop::interrupted);
    EXPECT_EQ(stop_before_stage({false, false, true, true}), Stop::audit);
    EXPECT_EQ(stop_before_stage({false, true, true, true}), Stop::budget);
    EXPECT_EQ(stop_before_stage({false, true, false, true}), Stop::deadline);
}

TEST(RolloutStageGate, PausesOnlyBetweenStagesOfARunThatGoesOn) {
    EXPECT_FALSE(pause_before_stage(0, 30s, {})); // nothing ran yet
    EXPECT_TRUE(pause_before_stage(1, 30s, {}));
    EXPECT_TRUE(pause_before_stage(3, 1ms, {}));
    EXPECT_FALSE(pause_before_stage(1, 0s, {}));                        // no pause set
    EXPECT_FALSE(pause_before_stage(1, 30s, {.budget_crossed = true})); // stops anyway
    EXPECT_FALSE(pause_before_stage(1, 30s, {.draining = true}));       // a signal: stop now
    EXPECT_TRUE(pause_before_stage(1, 30s, {.past_deadline = true}));   // checked after it
}

TEST(RolloutStageGate, AsksBeforeTheFirstStageAndRightAfterTheCanary) {
    const WavePlan with_canary = plan_of({true, false, false, false});
    EXPECT_TRUE(ask_before_stage(with_canary, 0));
    EXPECT_TRUE(ask_before_stage(with_canary, 1));
    EXPECT_FALSE(ask_before_stage(with_canary, 2));
    EXPECT_FALSE(ask_before_stage(with_canary, 3));
    const WavePlan without = plan_of({false, false, false});
    EXPECT_TRUE(ask_before_stage(without, 0));
    EXPECT_FALSE(ask_before_stage(without, 1));
    EXPECT_FALSE(ask_before_stage(without, 2));
}

// The budget crossed inside the last stage: nodes of it not started yet were skipped, so the
// run stopped early; crossed by the very last results, nothing was left to skip.
TEST(RolloutStageGate, AfterTheLastStageOnlySkippedNodesMakeABudgetStop) {
    EXPECT_EQ(stop_after_last_stage(true, 3, false), Stop::budget);
    EXPECT_EQ(stop_after_last_stage(true, 0, false), Stop::none);
    EXPECT_EQ(stop_after_last_stage(false, 0, false), Stop::none);
    EXPECT_EQ(stop_after_last_stage(false, 0, true), Stop::interrupted);
    EXPECT_EQ(stop_after_last_stage(true, 3, true), Stop::budget);
}
