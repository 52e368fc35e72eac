#include "cli/staged_run.hpp"

#include "cli/interrupt.hpp"
#include "policy/rollout_limits.hpp"

#include <algorithm>
#include <map>

namespace breakglass::cli {

namespace {

transport::Reason skip_reason(Stop stop) {
    switch (stop) {
    case Stop::budget:
        return transport::Reason::failure_budget;
    case Stop::declined:
        return transport::Reason::declined;
    case Stop::deadline:
        return transport::Reason::deadline_not_started;
    case Stop::audit:
        return transport::Reason::audit_failed;
    case Stop::none:
    case Stop::interrupted:
        break;
    }
    return transport::Reason::interrupted;
}

transport::NodeResult never_contacted(Stop stop) {
    transport::NodeResult result;
    result.reason = skip_reason(stop);
    if (stop == Stop::deadline) {
        result.status = transport::NodeStatus::timeout;
        result.message = "run deadline reached before start";
    } else {
        result.status = transport::NodeStatus::skipped;
        result.message = transport::not_started_message(result.reason);
    }
    return result;
}

bool started(const transport::NodeResult& result) {
    return result.status != transport::NodeStatus::skipped &&
           result.reason != transport::Reason::deadline_not_started;
}

// A node the run did not finish: never contacted, or cancelled in flight.
bool not_done(const transport::NodeResult& result) {
    return !started(result) || result.reason == transport::Reason::interrupted;
}

} // namespace

bool StagedRun::run_stage(const std::vector<std::size_t>& nodes, rollout::FailureBudget* budget,
                          bool canary, Clock::time_point deadline) {
    std::vector<transport::NodeTarget> targets;
    targets.reserve(nodes.size());
    for (std::size_t node : nodes) {
        targets.push_back(m_plan.targets[node]);
    }
    transport::SessionSettings& session = m_plan.session;
    session.on_output = [&](std::size_t local, std::string_view data, bool is_stderr) {
        m_output.on_output(nodes[local], data, is_stderr);
    };
    session.on_step_end = [&](std::size_t local) { m_output.on_step_end(nodes[local]); };
    transport::FanOutLimits limits = m_plan.limits;
    limits.cancel = &interrupted();
    if (deadline != Clock::time_point::max()) {
        limits.deadline = std::max(
            std::chrono::milliseconds(1),
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }
    if (budget != nullptr) {
        limits.hold = [budget] {
            if (draining()) {
                return transport::Reason::interrupted;
            }
            return budget->start() ? transport::Reason::none : transport::Reason::failure_budget;
        };
    }
    if (m_audit != nullptr && !m_audit->wave_start(targets)) {
        return false; // no wave-start on disk: its nodes are not contacted (finish says why)
    }
    transport::run_fanout(targets, m_run.job, session, limits,
                          [&](std::size_t local, transport::NodeResult&& result) {
                              finished(nodes[local], std::move(result), budget, canary);
                          });
    return true;
}

void StagedRun::skip_the_rest(Stop stop) {
    for (std::size_t node = 0; node < m_results.size(); ++node) {
        if (!m_results[node].reported) {
            finished(node, never_contacted(stop), nullptr, false);
        }
    }
}

std::vector<std::string> StagedRun::names_not_done(const SelectedFleet& fleet) const {
    std::vector<std::string> names;
    for (std::size_t node = 0; node < m_results.size(); ++node) {
        if (m_results[node].not_done) {
            names.push_back(fleet.inventory.nodes[fleet.indices[node]].name);
        }
    }
    return names;
}

std::string StagedRun::counts(const std::vector<std::size_t>& nodes) const {
    std::map<std::string, std::size_t> by_status;
    for (std::size_t node : nodes) {
        ++by_status[m_results[node].ok ? "ok" : m_results[node].status];
    }
    std::string text;
    for (const auto& [status, count] : by_status) {
        text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + status;
    }
    return text;
}

void StagedRun::finished(std::size_t node, transport::NodeResult&& result,
                         rollout::FailureBudget* budget, bool canary) {
    if (m_audit != nullptr) {
        m_audit->node_finished(node, result);
    }
    const transport::NodeStatus status = result.status;
    const transport::Reason reason = result.reason;
    const bool was_started = started(result);
    Reported& entry = m_results[node];
    entry.reported = true;
    entry.not_done = not_done(result);
    entry.status = std::string(transport::to_string(status));
    m_output.on_finished(node, std::move(result));
    entry.ok = m_output.node_ok(node);
    if (budget != nullptr && was_started) {
        budget->record(policy::budget_outcome(status, reason, entry.ok),
                       canary ? rollout::Stage::canary : rollout::Stage::wave);
    }
}

} // namespace breakglass::cli
