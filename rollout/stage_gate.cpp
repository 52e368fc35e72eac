#include "rollout/stage_gate.hpp"

namespace breakglass::rollout {

Stop stop_before_stage(const BetweenStages& state) {
    if (state.draining) {
        return Stop::interrupted;
    }
    if (!state.audit_healthy) {
        return Stop::audit;
    }
    if (state.budget_crossed) {
        return Stop::budget;
    }
    if (state.past_deadline) {
        return Stop::deadline;
    }
    return Stop::none;
}

bool pause_before_stage(std::size_t stage, std::chrono::milliseconds pause,
                        const BetweenStages& state) {
    return stage > 0 && pause.count() > 0 && !state.budget_crossed && !state.draining;
}

bool ask_before_stage(const WavePlan& plan, std::size_t stage) {
    return stage == 0 || (stage < plan.waves.size() && plan.waves[stage - 1].canary);
}

Stop stop_after_last_stage(bool budget_crossed, std::size_t not_started, bool draining) {
    if (budget_crossed && not_started > 0) {
        return Stop::budget;
    }
    return draining ? Stop::interrupted : Stop::none;
}

} // namespace breakglass::rollout
