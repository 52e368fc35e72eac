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
    skipped,         // never contacted: the run stopped first (failure budget, signal, "n")
};

/// "ok", "failed", "timeout", "unreachable", "auth-failed", "hostkey-unknown",
/// "hostkey-changed", "error", "skipped": the stable names used in JSON output and summaries.
std::string_view to_string(NodeStatus status);

/// Why a node or step ended as it did, more precisely than its NodeStatus. Code branches on
/// these values, never on their spellings.
enum class Reason : std::uint8_t {
    none,                 // nothing more to say (ok, or a status that says it all)
    exit_status,          // the command exited non-zero
    no_exit_status,       // the channel closed without an exit status (killed by a signal?)
    become_denied,        // sudo refused before running anything
    connect_failed,       // TCP connect refused or failed
    connect_timeout,      // no TCP connection within the connect timeout
    connection_lost,      // the connection dropped before the key exchange
    jump_failed,          // a bastion or its tunnel failed
    handshake_failed,     // the key exchange failed
    handshake_timeout,    // key exchange and authentication took too long
    no_host_key,          // the server presented no host key
    hostkey_changed,      // the presented key is not the pinned or known one
    hostkey_unknown,      // no pin and no known_hosts entry
    hostkey_added,        // trusted on first use (accept-new): the key was added to known_hosts
    known_hosts_write,    // the key could not be added to known_hosts
    known_hosts_error,    // known_hosts could not be checked
    auth_failed,          // no identity was accepted
    auth_error,           // authentication broke (not a refusal)
    out_of_memory,        // no SSH session could be allocated
    channel_failed,       // no channel could be opened
    exec_failed,          // the command could not be started
    read_failed,          // reading the command's output failed
    command_timeout,      // a step ran longer than its timeout
    deadline,             // the run's deadline ended a started node
    deadline_not_started, // the run's deadline came before this node started
    interrupted,          // the run was interrupted (SIGINT/SIGTERM)
    event_loop,           // the event loop could not wait for this connection
    failure_budget,       // skipped: the run's failure budget was exceeded
    declined,             // skipped: the responder answered no at a confirmation
    audit_failed,         // skipped: the audit log could not be written, so no stage starts
};

/// The stable spelling used in JSON output and summaries ("exit-status", "jump-failed", ...);
/// none is the empty string. The one table of these words.
std::string_view to_string(Reason reason);

/// The one-line message of a node never contacted because of `reason`, e.g. "not started:
/// failure budget exceeded". The one place these texts are written (the fan-out and the
/// rollout's stages both report such nodes).
std::string not_started_message(Reason reason);

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
    Reason reason = Reason::none;
    CapturedOutput out;
    CapturedOutput err;
    std::chrono::milliseconds duration{0};
};

struct NodeResult {
    NodeStatus status = NodeStatus::error;
    std::optional<int> exit_code; // set when the command's exit status arrived
    Reason reason = Reason::none; // more precise than status: become_denied, connect_timeout...
    std::string message;          // one human line
    std::string host_key;         // the key the node presented (OpenSSH form), when seen
    std::string via;              // the bastion chain ("user@ip:port,..."), empty when direct
    CapturedOutput out;
    CapturedOutput err;
    NodeTimings timings;
    std::vector<StepResult> steps; // the steps that ran, in order; out/err above are the last's
};

} // namespace breakglass::transport
