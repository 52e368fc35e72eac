#include "rollout/failure_budget.hpp"
#include "rollout/stage_gate.hpp"
#include "rollout/wave_plan.hpp"

#include <deque>
#include <string>

#include <gtest/gtest.h>

using namespace breakglass::rollout;

namespace {

FailureLimit percent(std::uint64_t value) {
    return {FailureLimit::Kind::percent, value};
}
FailureLimit count(std::uint64_t value) {
    return {FailureLimit::Kind::count, value};
}

// Starts `n` nodes of `stage` and feeds their outcomes in order.
void run_all(FailureBudget& budget, Stage stage, std::size_t n, Outcome outcome) {
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(budget.start());
        ASSERT_TRUE(budget.record(outcome, stage));
    }
}

// What a caller does: stages one after another (the stage gate between them), at most `parallel`
// nodes in flight, a new node only while the budget allows, the oldest session finishing first.
// `outcome_of` gives each node's result by its index.
struct RunSummary {
    std::size_t started = 0;
    std::size_t finished = 0;
};
template <typename OutcomeOf>
RunSummary drive(FailureBudget& budget, const WavePlan& plan, std::size_t parallel,
                 OutcomeOf outcome_of) {
    RunSummary summary;
    for (const Wave& wave : plan.waves) {
        // Between stages, the rollout's own gate (what cli/fleet_run.cpp asks).
        if (stop_before_stage({.budget_crossed = budget.crossed()}) != Stop::none) {
            break;
        }
        const Stage stage = wave.canary ? Stage::canary : Stage::wave;
        std::deque<std::size_t> in_flight;
        std::size_t next = 0;
        while (next < wave.nodes.size() || !in_flight.empty()) {
            while (next < wave.nodes.size() && in_flight.size() < parallel && budget.start()) {
                in_flight.push_back(wave.nodes[next++]);
                ++summary.started;
            }
            if (in_flight.empty()) {
                break; // the budget stopped the run: nothing new starts
            }
            EXPECT_TRUE(budget.record(outcome_of(in_flight.front()), stage));
            in_flight.pop_front();
            ++summary.finished;
        }
    }
    return summary;
}

std::vector<PlanNode> plain_fleet(std::size_t count) {
    std::vector<PlanNode> nodes;
    for (std::size_t i = 0; i < count; ++i) {
        nodes.push_back({"node" + std::to_string(i), std::nullopt});
    }
    return nodes;
}

} // namespace

TEST(RolloutFailureBudget, PercentagesRoundDown) {
    EXPECT_EQ(allowed_failures(percent(10), 7), 0U); // one failure of 7 is 14%: stop
    EXPECT_EQ(allowed_failures(percent(10), 9), 0U);
    EXPECT_EQ(allowed_failures(percent(10), 10), 1U);
    EXPECT_EQ(allowed_failures(percent(10), 17), 1U);
    EXPECT_EQ(allowed_failures(percent(10), 100), 10U);
    EXPECT_EQ(allowed_failures(percent(10), 1000), 100U);
    EXPECT_EQ(allowed_failures(percent(0), 1000), 0U);
    EXPECT_EQ(allowed_failures(percent(100), 7), 7U);
    EXPECT_EQ(allowed_failures(count(3), 2), 3U);
    EXPECT_EQ(allowed_failures(count(0), 1000), 0U);
}

TEST(RolloutFailureBudget, AnyCanaryFailureStops) {
    // Even a budget that would allow the failure: a canary that tolerates one is no canary.
    FailureBudget budget(count(50), 100, false);
    ASSERT_TRUE(budget.start());
    EXPECT_TRUE(budget.may_start());
    ASSERT_TRUE(budget.record(Outcome::timeout, Stage::canary));
    EXPECT_TRUE(budget.crossed());
    EXPECT_TRUE(budget.crossed_by_canary());
    EXPECT_FALSE(budget.may_start());
    EXPECT_FALSE(budget.start());
    EXPECT_EQ(budget.started(), 1U);
    EXPECT_EQ(budget.not_started(), 99U);
    EXPECT_EQ(budget.overshoot(), 0U);
    const std::string message = budget_message(budget);
    EXPECT_NE(message.find("the canary failed"), std::string::npos) << message;
    EXPECT_NE(message.find("1 timeout"), std::string::npos) << message;
    EXPECT_NE(message.find("99 nodes skipped"), std::string::npos) << message;
}

TEST(RolloutFailureBudget, CountsOverTheWholeRunNotPerWave) {
    // Default budget on 100 nodes: 10 failures allowed, the 11th stops, whichever waves they
    // fall in.
    FailureBudget budget(k_default_failure_limit, 100, false);
    run_all(budget, Stage::canary, 1, Outcome::succeeded);
    run_all(budget, Stage::wave, 4, Outcome::failed); // wave 1: every node fails
    EXPECT_TRUE(budget.may_start());
    run_all(budget, Stage::wave, 14, Outcome::succeeded);
    run_all(budget, Stage::wave, 6, Outcome::failed); // wave 2: 10 failures in all
    EXPECT_FALSE(budget.crossed());
    EXPECT_EQ(budget.failures(), 10U);
    run_all(budget, Stage::wave, 1, Outcome::failed);
    EXPECT_TRUE(budget.crossed());
    EXPECT_FALSE(budget.crossed_by_canary());
    EXPECT_EQ(budget.count(Outcome::failed), 11U);
    EXPECT_EQ(budget.count(Outcome::succeeded), 15U);
}

TEST(RolloutFailureBudget, OvershootIsTheResultsOfSessionsInFlight) {
    FailureBudget budget(count(1), 20, false);
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(budget.start());
    }
    ASSERT_TRUE(budget.record(Outcome::failed, Stage::wave));
    EXPECT_FALSE(budget.crossed());
    ASSERT_TRUE(budget.record(Outcome::unreachable, Stage::wave)); // 2 > 1: crossed
    EXPECT_TRUE(budget.crossed());
    EXPECT_EQ(budget.in_flight_when_crossed(), 3U);
    EXPECT_FALSE(budget.start());
    // The three in flight finish within their own timeouts and are reported.
    ASSERT_TRUE(budget.record(Outcome::succeeded, Stage::wave));
    ASSERT_TRUE(budget.record(Outcome::failed, Stage::wave));
    ASSERT_TRUE(budget.record(Outcome::timeout, Stage::wave));
    EXPECT_EQ(budget.in_flight(), 0U);
    EXPECT_EQ(budget.overshoot(), 3U);
    EXPECT_EQ(budget.overshoot_failures(), 2U);
    EXPECT_EQ(budget.failures(), 4U);
    EXPECT_EQ(budget.not_started(), 15U);
    // A result without a start is refused, not counted.
    EXPECT_FALSE(budget.record(Outcome::failed, Stage::wave));
    EXPECT_EQ(budget.failures(), 4U);
    const std::string message = budget_message(budget);
    EXPECT_EQ(message,
              "failure budget exceeded: 4 nodes failed, at most 1 allowed: 2 failed, 1 timeout, "
              "1 unreachable, 1 ok; 3 finished after it was crossed (in flight then: 3); 15 nodes "
              "skipped; unreachable nodes count unless --ignore-unreachable");
}

TEST(RolloutFailureBudget, TwentyPercentFailingStopsATenPercentRunMidWay) {
    // 100 nodes, every fifth fails, 8 sessions in flight: the run stops in a wave, the
    // overshoot never exceeds what was in flight, and every node is accounted for.
    FailureBudget budget(percent(10), 100, false);
    WaveSettings settings;
    settings.seed = 3;
    const WavePlan plan = plan_waves(plain_fleet(100), settings);
    const RunSummary run = drive(budget, plan, 8, [](std::size_t node) {
        return node % 5 == 4 ? Outcome::failed : Outcome::succeeded;
    });
    EXPECT_TRUE(budget.crossed());
    EXPECT_FALSE(budget.crossed_by_canary());
    EXPECT_EQ(run.started, run.finished);
    EXPECT_EQ(budget.started(), run.started);
    EXPECT_LT(run.started, 100U);
    EXPECT_EQ(budget.not_started(), 100U - run.started);
    EXPECT_LE(budget.in_flight_when_crossed(), 7U); // parallel minus the one that crossed it
    EXPECT_EQ(budget.overshoot(), budget.in_flight_when_crossed());
    EXPECT_EQ(budget.failures(), budget.allowed() + 1 + budget.overshoot_failures());
    EXPECT_EQ(budget.count(Outcome::failed) + budget.count(Outcome::succeeded), run.finished);
}

TEST(RolloutFailureBudget, AnAllFailWaveObeysTheSameRule) {
    // 1000 nodes, defaults: the canary passes, all 49 of wave 1 fail; 49 <= 100 allowed, so
    // the run goes on (the Ansible surprise of stopping on a whole failed batch is not ours).
    WaveSettings settings;
    const WavePlan plan = plan_waves(plain_fleet(1000), settings);
    ASSERT_EQ(plan.waves[1].nodes.size(), 49U);
    std::vector<bool> in_wave_1(1000, false);
    for (std::size_t node : plan.waves[1].nodes) {
        in_wave_1[node] = true;
    }
    FailureBudget budget(k_default_failure_limit, 1000, false);
    drive(budget, plan, 64,
          [&](std::size_t node) { return in_wave_1[node] ? Outcome::failed : Outcome::succeeded; });
    EXPECT_FALSE(budget.crossed());
    EXPECT_EQ(budget.started(), 1000U);
    EXPECT_EQ(budget.failures(), 49U);

    // On 7 nodes the same rule allows no failure: the one-node wave 1 failing stops the run.
    FailureBudget small(k_default_failure_limit, 7, false);
    const WavePlan seven = plan_waves(plain_fleet(7), settings);
    ASSERT_EQ(seven.waves[1].nodes.size(), 1U);
    const std::size_t failing = seven.waves[1].nodes[0];
    drive(small, seven, 64,
          [&](std::size_t node) { return node == failing ? Outcome::failed : Outcome::succeeded; });
    EXPECT_TRUE(small.crossed());
    EXPECT_EQ(small.started(), 2U);
    EXPECT_EQ(small.not_started(), 5U);
}

TEST(RolloutFailureBudget, UnreachableCountsUnlessIgnored) {
    FailureBudget counted(count(0), 10, false);
    run_all(counted, Stage::wave, 1, Outcome::unreachable);
    EXPECT_TRUE(counted.crossed());
    EXPECT_EQ(counted.unreachable_counted(), 1U);
    EXPECT_NE(budget_message(counted).find("--ignore-unreachable"), std::string::npos);

    FailureBudget ignored(count(0), 10, true);
    run_all(ignored, Stage::canary, 1, Outcome::unreachable);
    run_all(ignored, Stage::wave, 3, Outcome::unreachable);
    EXPECT_FALSE(ignored.crossed());
    EXPECT_EQ(ignored.count(Outcome::unreachable), 4U);
    EXPECT_EQ(ignored.unreachable_counted(), 0U);
    // Only unreachable is ignored: a timeout, auth or host key failure still counts.
    for (Outcome outcome : {Outcome::timeout, Outcome::auth_failed, Outcome::hostkey_unknown,
                            Outcome::hostkey_changed, Outcome::error, Outcome::failed}) {
        FailureBudget budget(count(0), 10, true);
        run_all(budget, Stage::wave, 1, outcome);
        EXPECT_TRUE(budget.crossed()) << to_string(outcome);
    }
}

TEST(RolloutFailureBudget, SuccessesAndCancellationsNeverCount) {
    FailureBudget budget(count(0), 10, false);
    run_all(budget, Stage::canary, 1, Outcome::succeeded);
    run_all(budget, Stage::wave, 4, Outcome::succeeded);
    run_all(budget, Stage::wave, 2, Outcome::cancelled);
    EXPECT_FALSE(budget.crossed());
    EXPECT_EQ(budget.failures(), 0U);
    EXPECT_EQ(budget.count(Outcome::cancelled), 2U);
    run_all(budget, Stage::wave, 3, Outcome::succeeded);
    EXPECT_FALSE(budget.start()); // all 10 started
}

TEST(RolloutFailureBudget, MessageSaysWhenUnreachableWasLeftOut) {
    FailureBudget budget(percent(10), 17, true);
    run_all(budget, Stage::wave, 2, Outcome::unreachable);
    run_all(budget, Stage::wave, 2, Outcome::auth_failed);
    ASSERT_TRUE(budget.crossed());
    const std::string message = budget_message(budget);
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("2 nodes failed, at most 1 allowed (10% of 17 nodes)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("2 unreachable, 2 auth-failed"), std::string::npos) << message;
    EXPECT_NE(message.find("unreachable not counted: --ignore-unreachable"), std::string::npos);
    EXPECT_EQ(message.find("count unless"), std::string::npos);
}
