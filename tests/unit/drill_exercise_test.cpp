#include "drill/exercise.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;

TEST(DrillExercise, OnlyADaemonSetNamedInTheSettingMayBeExercised) {
    const std::vector<std::string> allowed{"drills/pause", "kube-system/drill-canary"};
    EXPECT_TRUE(check_exercise_allowed("drills/pause", allowed));
    EXPECT_TRUE(check_exercise_allowed("kube-system/drill-canary", allowed));
    for (const char* other : {"kube-system/kube-proxy", "drills/paus", "drills/pause ", "pause"}) {
        auto refused = check_exercise_allowed(other, allowed);
        ASSERT_FALSE(refused) << other;
        EXPECT_NE(refused.error().find("drill_exercise_daemonsets"), std::string::npos);
    }
    auto none = check_exercise_allowed("drills/pause", {});
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().find("empty"), std::string::npos) << none.error();
}

TEST(DrillExercise, TheObjectiveNeedsEveryNodeContainedAndRestored) {
    std::vector<ExerciseNode> nodes(3);
    nodes[0] = {"a", true, true, {}, {}, {}, ""};
    nodes[1] = {"b", true, true, {}, {}, {}, ""};
    nodes[2] = {"c", true, true, {}, {}, {}, ""};
    EXPECT_TRUE(exercise_result(nodes).met);
    EXPECT_EQ(exercise_result(nodes).slo, Slo::exercise);
    nodes[1].restored = false;
    nodes[1].problem = "timeout";
    nodes[2].contained = false;
    const SloResult result = exercise_result(nodes);
    EXPECT_FALSE(result.met);
    EXPECT_NE(result.line.find("1 of 3"), std::string::npos) << result.line;
    EXPECT_NE(result.line.find("b (not restored: timeout), c (not contained)"), std::string::npos)
        << result.line;
    EXPECT_FALSE(exercise_result({}).met);
    EXPECT_EQ(to_string(Slo::exercise), "exercise");
}
