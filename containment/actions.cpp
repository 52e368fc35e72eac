#include "containment/actions.hpp"

#include <array>

namespace breakglass::containment {

namespace {

constexpr std::array k_actions{
    ActionSpec{"status", "daemonset-status",
               "show the DaemonSet's pods and containers on each node (read-only)", false, false},
    ActionSpec{"freeze", "daemonset-freeze",
               "pause its containers (cgroup freezer); the kubelet still sees them running", false,
               false},
    ActionSpec{"thaw", "daemonset-thaw", "resume containers frozen by freeze", true, false},
    ActionSpec{"isolate", "daemonset-isolate",
               "drop its pods' egress inside their network namespaces", false, false},
    ActionSpec{"unisolate", "daemonset-unisolate", "remove the egress rules of isolate", true,
               false},
    ActionSpec{"stop", "daemonset-stop",
               "SIGTERM, grace period, SIGKILL (needs --hold-kubelet or --accept-restart)", false,
               true},
    ActionSpec{"remove", "daemonset-remove",
               "stop, then delete containers and sandboxes (needs --hold-kubelet or "
               "--accept-restart)",
               false, true},
};

constexpr ActionSpec k_kubelet_release{
    "release", "kubelet-release",
    "end a kubelet hold: cancel its automatic release, unmask and start the kubelet", true, false};

} // namespace

const ActionSpec& kubelet_release_action() {
    return k_kubelet_release;
}

std::span<const ActionSpec> all_actions() {
    return k_actions;
}

const ActionSpec* find_action(std::string_view command) {
    for (const ActionSpec& action : k_actions) {
        if (action.command == command) {
            return &action;
        }
    }
    return nullptr;
}

ActionOutcome outcome_of(bool node_ok, const NodeReport& report) {
    if (!node_ok) {
        return ActionOutcome::failed;
    }
    if (!report.changes.empty()) {
        return ActionOutcome::changed;
    }
    if (!report.unchanged.empty() || !report.pods.empty()) {
        return ActionOutcome::already;
    }
    return ActionOutcome::nothing_to_do;
}

std::string_view outcome_word(const ActionSpec& action, ActionOutcome outcome) {
    switch (outcome) {
    case ActionOutcome::changed:
        return action.restores ? "restored" : "contained";
    case ActionOutcome::already:
        return action.restores ? "already restored" : "already contained";
    case ActionOutcome::nothing_to_do:
        return "nothing to do";
    case ActionOutcome::failed:
        return "failed";
    }
    return "failed";
}

} // namespace breakglass::containment
