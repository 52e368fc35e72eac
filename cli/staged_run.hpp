#pragma once

#include "cli/fleet_output.hpp"
#include "cli/fleet_run.hpp"
#include "cli/run_audit.hpp"
#include "policy/connection_plan.hpp"
#include "rollout/failure_budget.hpp"
#include "rollout/stage_gate.hpp"
#include "transport/node_result.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace breakglass::cli {

using Stop = rollout::Stop;

/// One staged (or, read-only, single-stage) run: the stages one after another, each one fan-out
/// whose `hold` asks the failure budget and the signal state before each node; the budget fed
/// as results arrive; every node reported to the output (and the audit log) exactly once.
class StagedRun {
public:
    using Clock = std::chrono::steady_clock;

    StagedRun(const FleetRun& run, policy::ConnectionPlan& plan, FleetOutput& output,
              std::size_t selected)
        : m_run(run), m_plan(plan), m_output(output), m_results(selected) {}

    /// Runs `nodes` (indices into the selection); `budget` is null for a read-only run. False,
    /// with no node of the stage contacted, when its wave-start could not be written: the run
    /// must stop there (Stop::audit), never go on to a later stage.
    [[nodiscard]] bool run_stage(const std::vector<std::size_t>& nodes,
                                 rollout::FailureBudget* budget, bool canary,
                                 Clock::time_point deadline);

    /// Where node results and wave starts are recorded (the audit log).
    void set_audit(RunAudit* audit) { m_audit = audit; }

    /// Every node not reported yet ends as never contacted, for `stop`.
    void skip_the_rest(Stop stop);

    /// The names of the nodes not done (never contacted, or cancelled in flight).
    std::vector<std::string> names_not_done(const SelectedFleet& fleet) const;

    /// "1 ok, 1 failed" over `nodes`.
    std::string counts(const std::vector<std::size_t>& nodes) const;

private:
    struct Reported {
        bool reported = false;
        bool not_done = false;
        bool ok = false;
        std::string status;
    };

    void finished(std::size_t node, transport::NodeResult&& result, rollout::FailureBudget* budget,
                  bool canary);

    const FleetRun& m_run;
    policy::ConnectionPlan& m_plan;
    FleetOutput& m_output;
    std::vector<Reported> m_results;
    RunAudit* m_audit = nullptr;
};

} // namespace breakglass::cli
