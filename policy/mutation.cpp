#include "policy/mutation.hpp"

#include <algorithm>

namespace breakglass::policy {

bool playbook_mutates(const playbooks::Playbook& playbook) {
    return std::any_of(playbook.steps.begin(), playbook.steps.end(),
                       [](const playbooks::PlaybookStep& step) { return step.mutates; });
}

bool run_mutates(const RunDescription& run, const playbooks::Playbook* playbook) {
    // A playbook that says it mutates does, whatever the command that runs it claims.
    if (playbook != nullptr && playbook_mutates(*playbook)) {
        return true;
    }
    switch (run.command) {
    case RunCommand::exec:
        // An arbitrary command: only the responder can say it changes nothing.
        return !run.read_only;
    case RunCommand::run:
        return false; // decided by the playbook's steps above
    case RunCommand::daemonset:
        return run.daemonset_action != "status";
    case RunCommand::kubelet_release:
        return true;
    }
    return true;
}

} // namespace breakglass::policy
