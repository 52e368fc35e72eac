#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::transport {

/// How one node ended: exactly one of these. Responders act on the kind, not the text.
enum class NodeStatus {
    ok,
    failed,          // the command ran and exited non-zero, or was refused (become-denied)
    timeout,         // command timeout, handshake timeout, or the run's deadline
    unreachable,     // TCP connect failed or timed out; jump host failed
    auth_failed,     // no identity was accepted
    hostkey_unknown, // no pinned key and no known_hosts entry
    hostkey_changed, // the key presented differs from the one pinned
    error,           // anything else, with a message
};

/// "ok", "failed", "timeout", "unreachable", "auth-failed", "hostkey-unknown",
/// "hostkey-changed", "error": the stable names used in JSON output and summaries.
std::string_view to_string(NodeStatus status);

/// Milliseconds spent in each phase (0 when the phase was not reached).
struct NodeTimings {
    std::chrono::milliseconds connect{0};
    std::chrono::milliseconds handshake{0}; // key exchange and host key check
    std::chrono::milliseconds auth{0};
    std::chrono::milliseconds exec{0};
    std::chrono::milliseconds total{0};
};

/// Output kept for one stream: the tail, and how many bytes were cut from the front.
struct CapturedOutput {
    std::string tail;
    std::uint64_t total_bytes = 0;
    std::uint64_t dropped_bytes = 0;
};

/// One step of a multi-step job (a playbook step, or exec's single command).
struct StepResult {
    std::string name;
    NodeStatus status = NodeStatus::error; // ok, failed, timeout or error
    std::optional<int> exit_code;
    std::string reason;
    CapturedOutput out;
    CapturedOutput err;
    std::chrono::milliseconds duration{0};
};

struct NodeResult {
    NodeStatus status = NodeStatus::error;
    std::optional<int> exit_code; // set when the command's exit status arrived
    std::string reason;           // short machine word: "become-denied", "connect-timeout", ...
    std::string message;          // one human line
    std::string host_key;         // the key the node presented (OpenSSH form), when seen
    std::string via;              // the bastion chain ("user@ip:port,..."), empty when direct
    CapturedOutput out;
    CapturedOutput err;
    NodeTimings timings;
    std::vector<StepResult> steps; // the steps that ran, in order; out/err above are the last's
};

} // namespace breakglass::transport
