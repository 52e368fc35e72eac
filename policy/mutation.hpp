#pragma once

#include "playbooks/playbook_format.hpp"

#include <string_view>

namespace breakglass::policy {

/// The commands that reach nodes, as far as "may this change a node?" is concerned.
enum class RunCommand { exec, run, daemonset, kubelet_release };

/// One run: the command, the daemonset action ("status", "freeze", ...) for `daemonset`, and
/// exec's --read-only.
struct RunDescription {
    RunCommand command = RunCommand::exec;
    std::string_view daemonset_action;
    bool read_only = false;
};

/// True when `playbook` has a step marked `mutates: true`.
bool playbook_mutates(const playbooks::Playbook& playbook);

/// Whether a run may change a node: exec unless --read-only; every daemonset action except
/// status; kubelet release; any run of a playbook that mutates (`playbook` may be null for exec).
/// What mutates is held to a stricter standard (a signed inventory, see inventory_trust.hpp).
bool run_mutates(const RunDescription& run, const playbooks::Playbook* playbook);

} // namespace breakglass::policy
