#pragma once

#include "cli/context.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_load.hpp"
#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "transport/node_session.hpp"

#include <string>
#include <vector>

namespace breakglass::cli {

/// The flags of every command that runs a playbook on nodes (run, daemonset, kubelet):
/// --allowed-signers, --playbooks, --state-dir, selection, connection and -o human|json|jsonl.
void add_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                            ConnectionFlags& connection, std::string& output);

/// A playbook that passed every check and the job that runs it.
struct PreparedPlaybookRun {
    LoadedPlaybook loaded;
    config::Settings settings; // with the playbook's rollout defaults
    SelectedFleet selected;
    transport::NodeJob job;
};

/// Everything `run` checks before the first connection, in order: signature, schema and
/// validity, parameters, selection, scope, version (raised only once all passed). Every refusal
/// throws Failure with one line; nothing has been sent when it does.
PreparedPlaybookRun prepare_playbook_run(Context& context, const std::string& file,
                                         const std::string& signature,
                                         const std::vector<std::string>& params,
                                         const SelectionFlags& selection);

/// prepare_playbook_run for a shipped playbook by NAME; when no signed copy is found, the error
/// says how to make one (playbooks/sign-shipped).
PreparedPlaybookRun prepare_shipped_playbook_run(Context& context, const std::string& name,
                                                 const std::vector<std::string>& params,
                                                 const SelectionFlags& selection);

} // namespace breakglass::cli
