#pragma once

#include "cli/context.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_load.hpp"
#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "policy/mutation.hpp"
#include "policy/node_jobs.hpp"
#include "transport/node_session.hpp"

#include <memory>
#include <string>
#include <vector>

namespace breakglass::cli {

/// The flags of every command that runs a playbook on nodes (run, daemonset, kubelet):
/// --allowed-signers, --playbooks, --state-dir, selection, connection and -o human|json|jsonl.
void add_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                            ConnectionFlags& connection, std::string& output);

/// add_playbook_run_flags plus the rollout flags (--canary, --yes, --dry-run, ...) of a command
/// that may change nodes.
void add_mutating_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                                     ConnectionFlags& connection, std::string& output);

/// Whole seconds of the duration flag FLAG's TEXT within [minimum, maximum], as a shell
/// parameter (an integer); throws Failure 2 naming the flag and the range otherwise.
std::string whole_seconds(const std::string& flag, const std::string& text, long minimum,
                          long maximum);

/// --lock-wait DURATION (default 30s) of a command whose shipped playbook takes the node lock
/// (playbooks/lib/node_journal.sh); lock_wait_seconds checks it (1s to 60s, else Failure 2).
void add_lock_wait_flag(CLI::App& command, std::string& lock_wait);
std::string lock_wait_seconds(const std::string& lock_wait);

/// A playbook that passed every check and the job that runs it.
struct PreparedPlaybookRun {
    LoadedPlaybook loaded;
    config::Settings settings; // with the playbook's rollout defaults
    SelectedFleet selected;
    transport::NodeJob job;
    // Per selected node, a job of its own when its parameters differ from the run's (its
    // runtime socket or kubelet unit, see with_node_runtimes); null: `job`. Empty: all `job`.
    std::vector<std::shared_ptr<const transport::NodeJob>> node_jobs;
};

using RuntimeParams = policy::RuntimeParams;

/// Everything `run` checks before the first connection: playbooks::preflight (signature, schema
/// and validity, the name the command is bound to (`bound_name`, when not empty), parameters,
/// scope, version raised only once all passed), placed by selecting the fleet with the
/// inventory's signature (judged as `run` with this playbook mutates, see policy::run_mutates).
/// `optional_params` are bound only where the playbook declares them (see
/// playbooks::PreflightRequest::optional_assignments).
/// Every refusal throws Failure with one line (see refusal_failure); nothing has been sent.
PreparedPlaybookRun
prepare_playbook_run(Context& context, const std::string& file, const std::string& signature,
                     const std::vector<std::string>& params, const SelectionFlags& selection,
                     const policy::RunDescription& run, std::string_view bound_name = {},
                     const std::vector<std::string>& optional_params = {});

/// The FleetRun of a prepared playbook run: mutating as policy::run_mutates judges `run` with
/// this playbook, the playbook's rollout block as the signed baseline of the rollout limits.
FleetRun fleet_run_of(const PreparedPlaybookRun& prepared, const policy::RunDescription& run,
                      const ConnectionFlags& flags, std::string change, bool json_plan);

/// prepare_playbook_run for the shipped-action playbook NAME (see find_shipped_playbook: never
/// the current directory), which must be signed with metadata.name NAME (Failure 5 naming both
/// otherwise); when no copy is found, the error says how to make one (playbooks/sign-shipped).
PreparedPlaybookRun
prepare_shipped_playbook_run(Context& context, const std::string& name,
                             const std::vector<std::string>& params,
                             const SelectionFlags& selection, const policy::RunDescription& run,
                             const std::vector<std::string>& optional_params = {});

/// prepare_shipped_playbook_run with the runtime parameters `runtime` names, node by node as
/// policy::plan_node_runtimes places them (a setting given for this run, else the node's
/// inventory field, else the inventory's default, else the built-in default): the run's job
/// carries the settings' values, and each node whose values differ gets its own job, its
/// parameters checked by the playbook's patterns like any other. Throws Failure: 3 for an
/// inventory value that is not a socket path or unit name, 2 or 4 for such a setting.
/// `optional_params` as for prepare_playbook_run (the node journal's: node_journal_params).
PreparedPlaybookRun prepare_shipped_playbook_run(Context& context, const std::string& name,
                                                 const std::vector<std::string>& params,
                                                 const SelectionFlags& selection,
                                                 const policy::RunDescription& run,
                                                 RuntimeParams runtime,
                                                 const std::vector<std::string>& optional_params);

} // namespace breakglass::cli
