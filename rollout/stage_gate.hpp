#pragma once

#include "rollout/wave_plan.hpp"

#include <chrono>
#include <cstddef>

namespace breakglass::rollout {

/// Why a rollout ended before every node was done.
enum class Stop { none, budget, interrupted, declined, deadline, audit };

/// What the run knows between two stages.
struct BetweenStages {
    bool draining = false;       // a signal asked the run to stop
    bool audit_healthy = true;   // every record so far reached the audit log
    bool budget_crossed = false; // the failure budget is exceeded
    bool past_deadline = false;  // the run's deadline has come
};

/// Whether stage `stage` (0-based) may start, or why the rollout stops before it. Checked in
/// this order: a signal, a record that could not be written (no later stage acts without its
/// record, even if the disk has room again by then), the failure budget, the deadline.
Stop stop_before_stage(const BetweenStages& state);

/// Whether the pause between stages is waited out before stage `stage`: not before the first,
/// not when there is none, and not when the run is about to stop anyway.
bool pause_before_stage(std::size_t stage, std::chrono::milliseconds pause,
                        const BetweenStages& state);

/// Whether a responder who confirms stages is asked before stage `stage`: before the first,
/// and once more right after the canary (when its results are known); not before every wave.
bool ask_before_stage(const WavePlan& plan, std::size_t stage);

/// Why a rollout whose stages all ran (none stopped it) still ended early: the budget was
/// crossed inside the last stage with nodes of it not started, or a signal came.
Stop stop_after_last_stage(bool budget_crossed, std::size_t not_started, bool draining);

} // namespace breakglass::rollout
