#pragma once

#include "drill/slo.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::drill {

// `drill --exercise NAMESPACE/NAME`: the action itself rehearsed on the sample, freeze then thaw
// of a harmless DaemonSet deployed for drills, through the normal mutating path (canary, waves,
// failure budget, confirmation).

/// Refuses any DaemonSet not named, exactly, in `allowed` (the drill_exercise_daemonsets
/// setting): a drill must never freeze a workload by a typo. The error is the line to show.
tl::expected<void, std::string> check_exercise_allowed(std::string_view daemonset,
                                                       const std::vector<std::string>& allowed);

/// One sampled node's rehearsal: whether the freeze and then the thaw ended ok, how long each
/// took on the node (time to contain, time to restore), and why not when it failed.
struct ExerciseNode {
    std::string name;
    bool contained = false;
    bool restored = false;
    std::chrono::milliseconds contain{0};
    std::chrono::milliseconds restore{0};
    std::vector<std::string> changed; // what the freeze changed (container and sandbox IDs)
    std::string problem;
};

/// The `exercise` objective: met when every node was contained and then restored; the line
/// names those that were not (and says so when no node was exercised).
SloResult exercise_result(const std::vector<ExerciseNode>& nodes);

} // namespace breakglass::drill
