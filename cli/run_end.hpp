#pragma once

#include "cli/exit_code.hpp"
#include "rollout/stage_gate.hpp"

#include <string>

namespace breakglass::cli {

/// What is known when a fleet run's last node has been reported.
struct RunEndFacts {
    bool signalled = false;      // SIGINT/SIGTERM arrived
    bool budget_crossed = false; // the failure budget was exceeded
    rollout::Stop stop = rollout::Stop::none;
    bool all_ok = false; // every node's outcome is ok
};

/// The run's exit status: a signal (130) first, then the failure budget (6), an audit log that
/// could not be written (4), a declined confirmation (8); else 0 when every node is ok and 1
/// when not (a deadline's nodes are timeouts, so 1). The audit log's own end may still raise
/// it (most_severe).
ExitCode run_exit_code(const RunEndFacts& facts);

/// For a run_exit_code: why the nodes the run did not do are worth a file to continue with
/// ("interrupted", "failure budget exceeded", "the audit log cannot be written", "not
/// confirmed"); empty when the run went through (0, or 1: nodes failed, none left on purpose).
std::string continue_reason(ExitCode code);

} // namespace breakglass::cli
