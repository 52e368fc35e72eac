#include "cli/exit_code.hpp"

namespace breakglass::cli {

namespace {

int severity(ExitCode code) {
    switch (code) {
    case ExitCode::usage:
        return 9;
    case ExitCode::inventory:
    case ExitCode::config_or_state:
        return 8;
    case ExitCode::playbook_refused:
        return 7;
    case ExitCode::confirmation_refused:
        return 6;
    case ExitCode::interrupted:
        return 5;
    case ExitCode::failure_budget_exceeded:
        return 4;
    case ExitCode::drill_slo_missed:
        return 3;
    case ExitCode::nodes_failed:
        return 2;
    case ExitCode::ok:
        return 0;
    }
    return 0;
}

} // namespace

ExitCode most_severe(ExitCode first, ExitCode second) {
    return severity(second) > severity(first) ? second : first;
}

} // namespace breakglass::cli
