#pragma once

#include <string_view>

namespace breakglass::audit {

/// Why a run ended, as its run-end record says.
enum class EndReason {
    completed,   // every node of every wave was tried
    budget,      // the failure budget stopped the rollout
    interrupted, // SIGINT/SIGTERM
    deadline,    // the run's deadline ended nodes
    refused,     // the run stopped before contacting nodes it had announced (e.g. no --yes)
    audit_failed // the audit log could not be written: no further wave was started
};

/// "completed", "budget", "interrupted", "deadline", "refused", "audit-failed": the one table
/// of the run-end record's end_reason words.
std::string_view to_string(EndReason reason);

/// The reason of a run that went through its waves: interrupted over deadline over completed.
EndReason end_reason_of(bool interrupted, bool deadline_reached);

} // namespace breakglass::audit
