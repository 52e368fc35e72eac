#pragma once

#include <string_view>

namespace breakglass::audit {

/// Why a run ended, as its run-end record says.
enum class EndReason {
    completed,   // every node of every wave was tried
    budget,      // the failure budget stopped the rollout
    interrupted, // SIGINT/SIGTERM
    deadline,    // the run's deadline ended nodes
    refused,     // the responder declined a stage: its nodes and the rest were not contacted
    audit_failed // the audit log could not be written: no further wave was started
};

/// "completed", "budget", "interrupted", "deadline", "refused", "audit-failed": the one table
/// of the run-end record's end_reason words.
std::string_view to_string(EndReason reason);

/// Why a run ended, the first that applies: interrupted (a signal), budget (the failure budget
/// was crossed), refused (the responder declined a stage), deadline, else completed.
EndReason end_reason_of(bool interrupted, bool budget_crossed, bool declined,
                        bool deadline_reached);

} // namespace breakglass::audit
