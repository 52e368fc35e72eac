#pragma once

#include "drill/readiness_report.hpp"
#include "transport/node_result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace breakglass::drill {

/// How one sampled node fared in the drill.
struct NodeOutcome {
    std::string name;
    /// The whole access path worked: connect, host key, auth and become, and the readiness
    /// playbook ran (whatever it found).
    bool reached = false;
    /// Reached, its report was read, and it names no problem.
    bool ready = false;
    transport::NodeStatus status = transport::NodeStatus::error;
    transport::Reason reason = transport::Reason::none;
    /// Why not reached, or why not ready: one line each (node text, to be escaped for terminals).
    std::vector<std::string> problems;
    std::chrono::milliseconds connect{0};
    std::chrono::milliseconds handshake_auth{0}; // key exchange, host key check and auth
    std::chrono::milliseconds total{0};          // the whole node, connect to last byte
    std::optional<ReadinessReport> report;
};

/// Judges one node from its transport result (one step: the readiness playbook's). A node whose
/// session failed before the step ran is not reached; a step that timed out or exited non-zero,
/// or whose report is cut (max_output) or unreadable, is reached but not ready ("unreadable
/// report: ..."); otherwise ready exactly when readiness_problems() is empty.
NodeOutcome judge_drill_node(std::string name, const transport::NodeResult& result);

} // namespace breakglass::drill
