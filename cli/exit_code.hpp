#pragma once

namespace breakglass::cli {

/// Every exit status breakglass returns; documented in man/breakglass.1 (EXIT STATUS).
/// Scripts depend on these numbers: never renumber.
enum class ExitCode : int {
    ok = 0,
    nodes_failed = 1,
    usage = 2,
    inventory = 3,
    config_or_state = 4,
    playbook_refused = 5,
    failure_budget_exceeded = 6,
    drill_slo_missed = 7,
    confirmation_refused = 8,
    interrupted = 130,
};

/// The code to exit with when several apply: usage > inventory/config > refused > confirmation
/// refused > interrupted > budget > drill SLO > failed > ok. Between equals the first wins.
ExitCode most_severe(ExitCode first, ExitCode second);

} // namespace breakglass::cli
