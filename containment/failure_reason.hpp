#pragma once

#include <cstdint>
#include <string_view>

namespace breakglass::containment {

/// Why a DaemonSet playbook failed on a node, in containment's terms: the shipped playbooks'
/// exit statuses (playbooks/lib), or output containment cannot read. Code branches on these
/// values, never on their spellings.
enum class FailureReason : std::uint8_t {
    bad_input,             // 2: the playbook refused its parameters
    no_runtime,            // 3: no container runtime client on the node
    runtime_not_running,   // 4: the runtime's socket does not answer
    runtime_error,         // 5: the runtime refused or failed a request
    kubelet_would_restart, // 6: stopping/removing would be undone by the kubelet
    host_network,          // 7: isolation cannot cut a host-network pod
    still_active,          // 8: a container is still running after the action
    kubelet_hold_failed,   // 9: the kubelet could not be held
    rules_unreadable,      // 10: isolation could not read a pod's iptables rules
    node_busy,             // 11: another run held the node lock past the wait (node_journal.sh)
    exit_status,           // any other non-zero exit status
    bad_report,            // the playbook's output could not be read (whatever it exited with)
};

/// The exit status of a shipped DaemonSet playbook as a reason: 2 bad_input ... 11
/// node_busy; every other status (a node's word is never trusted) is exit_status.
FailureReason failure_reason(int exit_code);

/// The stable spelling in JSON output and summaries ("kubelet-would-restart", "bad-report",
/// ...). The one table of these words.
std::string_view to_string(FailureReason reason);

} // namespace breakglass::containment
