#include "containment/failure_reason.hpp"

namespace breakglass::containment {

FailureReason failure_reason(int exit_code) {
    switch (exit_code) {
    case 2:
        return FailureReason::bad_input;
    case 3:
        return FailureReason::no_runtime;
    case 4:
        return FailureReason::runtime_not_running;
    case 5:
        return FailureReason::runtime_error;
    case 6:
        return FailureReason::kubelet_would_restart;
    case 7:
        return FailureReason::host_network;
    case 8:
        return FailureReason::still_active;
    case 9:
        return FailureReason::kubelet_hold_failed;
    case 10:
        return FailureReason::rules_unreadable;
    case 11:
        return FailureReason::node_busy;
    default:
        return FailureReason::exit_status;
    }
}

std::string_view to_string(FailureReason reason) {
    switch (reason) {
    case FailureReason::bad_input:
        return "bad-input";
    case FailureReason::no_runtime:
        return "no-runtime";
    case FailureReason::runtime_not_running:
        return "runtime-not-running";
    case FailureReason::runtime_error:
        return "runtime-error";
    case FailureReason::kubelet_would_restart:
        return "kubelet-would-restart";
    case FailureReason::host_network:
        return "host-network";
    case FailureReason::still_active:
        return "still-active";
    case FailureReason::kubelet_hold_failed:
        return "kubelet-hold-failed";
    case FailureReason::rules_unreadable:
        return "rules-unreadable";
    case FailureReason::node_busy:
        return "node-busy";
    case FailureReason::exit_status:
        return "exit-status";
    case FailureReason::bad_report:
        return "bad-report";
    }
    return ""; // not a FailureReason (a cast from an unknown number)
}

} // namespace breakglass::containment
