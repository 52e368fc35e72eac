#pragma once

#include "cli/context.hpp"
#include "cli/exec_output.hpp"
#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "rollout/wave_plan.hpp"
#include "transport/fanout.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace breakglass::cli {

/// How a mutating run rolls out (issue 19; the rules are rollout/'s): flags only, the limits
/// themselves (--canary, --waves, --max-failures, --pause) are settings.
struct RolloutFlags {
    bool yes = false;                // no confirmation; what a script must pass
    bool dry_run = false;            // print the plan, open no socket
    bool ignore_unreachable = false; // unreachable nodes do not count against the budget
    std::string seed;                // empty: derived from the change and the nodes
};

/// The connection flags every command that reaches nodes shares (exec, run, ...).
struct ConnectionFlags {
    bool accept_new_host_keys = false;
    RolloutFlags rollout;
};

/// Adds the connection settings' flags (-p, --rate, timeouts, --user, --identity, -J, ...) and
/// --accept-new-host-keys to `command`.
void add_connection_flags(CLI::App& command, Context& context, ConnectionFlags& flags);

/// Adds the rollout flags of a command that may change nodes: --canary, --waves,
/// --max-failures, --pause, --seed, --ignore-unreachable, -y/--yes, --dry-run.
void add_rollout_flags(CLI::App& command, Context& context, RolloutFlags& flags);

/// One run on the fleet.
struct FleetRun {
    const config::Settings& settings;
    const SelectedFleet& fleet;
    const transport::NodeJob& job;
    const ConnectionFlags& flags;
    bool mutating = false;  // policy::run_mutates: waves, budget, confirmation
    std::string change;     // names the change ("daemonset freeze kube-system/agent"): the
                            // derived seed's purpose, and what the confirmation asks about
    bool json_plan = false; // --dry-run prints the plan as JSON (-o json/jsonl)
    nlohmann::json playbook_rollout = nlohmann::json::object(); // the signed baseline
    std::string playbook_origin;                                // names the playbook for messages
    // Per selected node, its own job when it has one (PreparedPlaybookRun::node_jobs).
    const std::vector<std::shared_ptr<const transport::NodeJob>>* node_jobs = nullptr;
};

/// Runs `run.job` on the selected nodes and feeds `output`; sets context.result: 0 all ok,
/// 1 some node not ok, 6 failure budget exceeded, 8 not confirmed, 130 interrupted. A
/// mutating run goes canary first, then in waves, under the failure budget, asks before the
/// canary and before wave 1 on a terminal (refuses without one unless --yes); --dry-run prints
/// the plan and contacts nothing. Who logs in where, through which bastions, is
/// policy::plan_connections (a bad value throws its Failure); credentials are loaded last.
void run_on_fleet(Context& context, const FleetRun& run, FleetOutput& output);

/// The selected nodes as the rollout plans them (name, and zone label when set), in selection
/// order.
std::vector<rollout::PlanNode> plan_nodes(const SelectedFleet& fleet);

/// The node labels output needs, in selection order.
std::vector<NodeLabel> node_labels(const SelectedFleet& fleet);

} // namespace breakglass::cli
