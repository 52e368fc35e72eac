#include "audit/end_reason.hpp"

namespace breakglass::audit {

std::string_view to_string(EndReason reason) {
    switch (reason) {
    case EndReason::completed:
        return "completed";
    case EndReason::budget:
        return "budget";
    case EndReason::interrupted:
        return "interrupted";
    case EndReason::deadline:
        return "deadline";
    case EndReason::refused:
        return "refused";
    case EndReason::audit_failed:
        return "audit-failed";
    }
    return "completed";
}

EndReason end_reason_of(bool interrupted, bool budget_crossed, bool declined,
                        bool deadline_reached) {
    if (interrupted) {
        return EndReason::interrupted;
    }
    if (budget_crossed) {
        return EndReason::budget;
    }
    if (declined) {
        return EndReason::refused;
    }
    return deadline_reached ? EndReason::deadline : EndReason::completed;
}

} // namespace breakglass::audit
