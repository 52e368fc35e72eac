#pragma once

#include "containment/node_report.hpp"

#include <span>
#include <string_view>

namespace breakglass::containment {

/// One `breakglass daemonset ACTION` and the shipped playbook behind it.
struct ActionSpec {
    std::string_view command;  // "freeze"
    std::string_view playbook; // "daemonset-freeze"
    std::string_view summary;  // one line for --help
    bool restores = false;     // thaw, unisolate: undoes a containment
    bool kubelet_rule = false; // stop, remove: the kubelet restarts what they end
};

/// Every action, status first.
std::span<const ActionSpec> all_actions();
const ActionSpec* find_action(std::string_view command);

/// `breakglass kubelet release`: ends a kubelet hold (playbook kubelet-release).
const ActionSpec& kubelet_release_action();

/// How a node ended an action (status has its own words: see Presence).
enum class ActionOutcome {
    changed,       // something was contained (or restored)
    already,       // the DaemonSet's pods were already in that state: nothing to do
    nothing_to_do, // the DaemonSet has no pods on this node
    failed,        // the node failed, or the playbook refused (see failure_reason)
};

ActionOutcome outcome_of(bool node_ok, const NodeReport& report);

/// The summary's word for an outcome: "contained", "already contained", "nothing to do",
/// "failed" (restoring actions say "restored", "already restored").
std::string_view outcome_word(const ActionSpec& action, ActionOutcome outcome);

/// The exit statuses of the shipped DaemonSet playbooks (playbooks/lib) as reason words:
/// 2 bad-input, 3 no-runtime, 4 runtime-not-running, 5 runtime-error,
/// 6 kubelet-would-restart, 7 host-network, 8 still-active, 9 kubelet-hold-failed,
/// 10 rules-unreadable (isolation could not read a pod's iptables rules);
/// anything else is "exit-status".
std::string_view failure_reason(int exit_code);

} // namespace breakglass::containment
