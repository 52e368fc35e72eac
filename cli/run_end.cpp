#include "cli/run_end.hpp"

namespace breakglass::cli {

ExitCode run_exit_code(const RunEndFacts& facts) {
    if (facts.signalled) {
        return ExitCode::interrupted;
    }
    if (facts.budget_crossed) {
        return ExitCode::failure_budget_exceeded;
    }
    if (facts.stop == rollout::Stop::audit) {
        return ExitCode::config_or_state;
    }
    if (facts.stop == rollout::Stop::declined) {
        return ExitCode::confirmation_refused;
    }
    return facts.all_ok ? ExitCode::ok : ExitCode::nodes_failed;
}

std::string continue_reason(ExitCode code) {
    switch (code) {
    case ExitCode::interrupted:
        return "interrupted";
    case ExitCode::failure_budget_exceeded:
        return "failure budget exceeded";
    case ExitCode::config_or_state:
        return "the audit log cannot be written";
    case ExitCode::confirmation_refused:
        return "not confirmed";
    default:
        return "";
    }
}

} // namespace breakglass::cli
