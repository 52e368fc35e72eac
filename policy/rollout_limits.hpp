#pragma once

#include "config/settings.hpp"
#include "rollout/failure_budget.hpp"
#include "rollout/limit_precedence.hpp"
#include "transport/node_result.hpp"
#include "transport/node_session.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::policy {

/// A rollout limit's text that one source wrote wrongly (`--waves 5%,50`): one line naming the
/// source; `source` decides the exit status (flag 2, environment or config file 4, playbook 5).
struct RolloutSettingError {
    config::Source source = config::Source::flag;
    std::string message;
};

/// Every source's value of one setting (config::setting_layers for the run's inputs).
using LayersOf = std::function<config::SettingLayers(config::AnyKey key)>;

/// The rollout limits of a mutating run as rollout::resolve_limits() judges them: each source's
/// own value of parallel, jump_parallel, rate, canary, waves, max_failures and pause, the signed
/// playbook's (else the built-in default) as the baseline. Waves and failure limits are read
/// with rollout/limits_text's grammar, whichever source wrote them.
tl::expected<rollout::RolloutLimitInputs, RolloutSettingError>
rollout_limit_inputs(const LayersOf& layers_of);

/// How the failure budget counts one finished node (rollout/failure_budget.hpp lists the
/// mapping): `succeeded` is the command's own verdict (exec: status ok; a DaemonSet action:
/// its judged outcome is not a failure).
rollout::Outcome budget_outcome(transport::NodeStatus status, transport::Reason reason,
                                bool succeeded);

/// The most one run can put on the fleet and on each bastion (issue 19: stated in the plan and
/// the run header, so the tool cannot become the thundering herd it exists to fight).
struct LoadBudget {
    std::size_t sessions_in_flight = 0;      // min(parallel, selected)
    std::int64_t connections_per_second = 0; // 0: unlimited
    std::int64_t channels_per_bastion = 0;
    std::uint64_t bytes_sent_per_node = 0;  // the commands as sent, become wrapping included
    std::uint64_t output_kept_per_node = 0; // per stream and step: max_output
    std::size_t steps = 0;
};

/// The load budget of running `job` on `targets` with these limits.
LoadBudget load_budget(const std::vector<transport::NodeTarget>& targets,
                       const transport::NodeJob& job, std::int64_t parallel, std::int64_t rate,
                       std::int64_t jump_parallel, std::uint64_t max_output);

/// One line: "load: at most 64 sessions in flight, 100 new connections/s, 64 channels per
/// bastion, 2.1KiB sent and 1MiB of output kept per stream and step on each node".
std::string describe(const LoadBudget& load);

} // namespace breakglass::policy
