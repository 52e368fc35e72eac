#include "drill/node_outcome.hpp"

namespace breakglass::drill {

namespace {

using transport::NodeStatus;
using transport::Reason;

// The session got as far as running the step: what happened after is the node's readiness,
// not its reachability.
bool step_ran(const transport::NodeResult& result) {
    switch (result.status) {
    case NodeStatus::ok:
        return true;
    case NodeStatus::failed:
        return result.reason == Reason::exit_status || result.reason == Reason::no_exit_status;
    case NodeStatus::timeout:
        return result.reason == Reason::command_timeout;
    default:
        return false;
    }
}

std::string why_not_reached(const transport::NodeResult& result) {
    std::string line(transport::to_string(result.status));
    if (result.reason != Reason::none && transport::to_string(result.reason) != line) {
        line += " (" + std::string(transport::to_string(result.reason)) + ")";
    }
    if (!result.message.empty()) {
        line += ": " + result.message;
    }
    return line;
}

} // namespace

NodeOutcome judge_drill_node(std::string name, const transport::NodeResult& result) {
    NodeOutcome outcome;
    outcome.name = std::move(name);
    outcome.status = result.status;
    outcome.reason = result.reason;
    outcome.connect = result.timings.connect;
    outcome.handshake_auth = result.timings.handshake + result.timings.auth;
    outcome.total = result.timings.total;
    outcome.reached = step_ran(result);
    if (!outcome.reached) {
        outcome.problems.push_back(why_not_reached(result));
        return outcome;
    }
    if (result.status != NodeStatus::ok) {
        outcome.problems.push_back("readiness step " + why_not_reached(result));
        return outcome;
    }
    if (result.out.dropped_bytes > 0) {
        outcome.problems.emplace_back("not ready: unreadable report (cut at max_output)");
        return outcome;
    }
    auto report = parse_readiness_report(result.out.tail);
    if (!report) {
        outcome.problems.push_back("not ready: unreadable report (" + report.error() + ")");
        return outcome;
    }
    outcome.problems = readiness_problems(*report);
    outcome.ready = outcome.problems.empty();
    outcome.report = std::move(*report);
    return outcome;
}

} // namespace breakglass::drill
