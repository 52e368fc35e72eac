#include "drill/exercise.hpp"

#include <algorithm>

namespace breakglass::drill {

tl::expected<void, std::string> check_exercise_allowed(std::string_view daemonset,
                                                       const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), daemonset) != allowed.end()) {
        return {};
    }
    return tl::unexpected(
        "--exercise " + std::string(daemonset) +
        ": not named in the drill_exercise_daemonsets setting" +
        (allowed.empty() ? std::string(" (empty: no DaemonSet may be exercised)") : std::string()) +
        "; a drill freezes only a DaemonSet deployed for drills");
}

SloResult exercise_result(const std::vector<ExerciseNode>& nodes) {
    std::string failing;
    std::size_t good = 0;
    for (const ExerciseNode& node : nodes) {
        if (node.contained && node.restored) {
            ++good;
            continue;
        }
        failing += (failing.empty() ? "" : ", ") + node.name + " (" +
                   (node.contained ? "not restored" : "not contained") +
                   (node.problem.empty() ? "" : ": " + node.problem) + ")";
    }
    if (nodes.empty()) {
        return {Slo::exercise, false, "exercise: no node was exercised"};
    }
    const bool met = good == nodes.size();
    std::string line = "exercise: " + std::to_string(good) + " of " + std::to_string(nodes.size()) +
                       " nodes contained and restored";
    if (!met) {
        line += ": " + failing;
    }
    return {Slo::exercise, met, line};
}

} // namespace breakglass::drill
