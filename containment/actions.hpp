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
    failed,        // the node failed, or the playbook refused (see FailureReason)
};

ActionOutcome outcome_of(bool node_ok, const NodeReport& report);

/// The summary's word for an outcome: "contained", "already contained", "nothing to do",
/// "failed" (restoring actions say "restored", "already restored").
std::string_view outcome_word(const ActionSpec& action, ActionOutcome outcome);

} // namespace breakglass::containment
