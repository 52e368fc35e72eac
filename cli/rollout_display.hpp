#pragma once

#include "policy/rollout_limits.hpp"
#include "rollout/limit_precedence.hpp"
#include "rollout/wave_plan.hpp"
#include "transport/node_session.hpp"

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

/// What a run will do, as the header, the confirmation and --dry-run show it.
struct RunPlanView {
    std::string change; // "exec uptime", "daemonset freeze ns/name"
    bool mutating = false;
    std::vector<std::string> names;                 // selected nodes, in selection order
    const rollout::WavePlan* plan = nullptr;        // mutating runs only
    const rollout::RolloutLimits* limits = nullptr; // mutating runs only
    std::uint64_t allowed_failures = 0;
    policy::LoadBudget load;
};

/// "canary", "wave 1 (25%)", ...
std::string stage_name(const rollout::Wave& wave);

/// The run header of a mutating run (stderr): stages with sizes, budget, pause, seed, the flags
/// that loosened a signed limit, and the load line. One line each.
std::vector<std::string> header_lines(const RunPlanView& view);

/// The stage's nodes folded into a node set (sorted: Wave::nodes is in start order).
std::string stage_nodes(const RunPlanView& view, const rollout::Wave& wave);

/// --dry-run as text: header lines, each stage with its folded node set, then every step's
/// script exactly as sent (become wrapping shown for the nodes that get it).
std::string dry_run_text(const RunPlanView& view, const std::vector<transport::NodeTarget>& targets,
                         const transport::NodeJob& job);

/// --dry-run as one JSON document (schema_version 1, "type": "plan").
nlohmann::json dry_run_json(const RunPlanView& view,
                            const std::vector<transport::NodeTarget>& targets,
                            const transport::NodeJob& job);

} // namespace breakglass::cli
