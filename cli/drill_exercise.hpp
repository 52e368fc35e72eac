#pragma once

#include "cli/context.hpp"
#include "cli/fleet_run.hpp"
#include "cli/selection_flags.hpp"
#include "containment/daemonset_ref.hpp"
#include "drill/exercise.hpp"

#include <chrono>
#include <vector>

namespace breakglass::cli {

/// What `drill --exercise` did.
struct ExerciseReport {
    std::string daemonset;
    std::vector<drill::ExerciseNode> nodes;
    std::chrono::milliseconds contain_total{0}; // the freeze run, first connection to last node
    std::chrono::milliseconds restore_total{0}; // the thaw run
    ExitCode code = ExitCode::ok; // the runs' own refusals (8, 6, 130), nodes_failed left out
};

/// Freezes, then thaws, `daemonset` on the sampled nodes (`sample`: inventory indices) through
/// the shipped daemonset-freeze and daemonset-thaw playbooks and the normal mutating path
/// (canary, waves, failure budget, confirmation: --yes without a terminal). The thaw runs on
/// every sampled node whatever the freeze did (it is idempotent), unless interrupted. Refusals
/// before a run throw Failure as the daemonset commands do.
ExerciseReport run_exercise(Context& context, const containment::DaemonSetRef& daemonset,
                            const SelectionFlags& selection, const ConnectionFlags& connection,
                            const std::vector<std::size_t>& sample, bool json_plan);

} // namespace breakglass::cli
