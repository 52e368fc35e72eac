#include "transport/node_result.hpp"

namespace breakglass::transport {

std::string_view to_string(NodeStatus status) {
    switch (status) {
    case NodeStatus::ok:
        return "ok";
    case NodeStatus::failed:
        return "failed";
    case NodeStatus::timeout:
        return "timeout";
    case NodeStatus::unreachable:
        return "unreachable";
    case NodeStatus::auth_failed:
        return "auth-failed";
    case NodeStatus::hostkey_unknown:
        return "hostkey-unknown";
    case NodeStatus::hostkey_changed:
        return "hostkey-changed";
    case NodeStatus::error:
        return "error";
    case NodeStatus::skipped:
        return "skipped";
    }
    return "error";
}

std::string_view to_string(Reason reason) {
    switch (reason) {
    case Reason::none:
        return "";
    case Reason::exit_status:
        return "exit-status";
    case Reason::no_exit_status:
        return "no-exit-status";
    case Reason::become_denied:
        return "become-denied";
    case Reason::connect_failed:
        return "connect-failed";
    case Reason::connect_timeout:
        return "connect-timeout";
    case Reason::connection_lost:
        return "connection-lost";
    case Reason::jump_failed:
        return "jump-failed";
    case Reason::handshake_failed:
        return "handshake-failed";
    case Reason::handshake_timeout:
        return "handshake-timeout";
    case Reason::no_host_key:
        return "no-host-key";
    case Reason::hostkey_changed:
        return "hostkey-changed";
    case Reason::hostkey_unknown:
        return "hostkey-unknown";
    case Reason::hostkey_added:
        return "hostkey-added";
    case Reason::known_hosts_write:
        return "known-hosts-write";
    case Reason::known_hosts_error:
        return "known-hosts-error";
    case Reason::auth_failed:
        return "auth-failed";
    case Reason::auth_error:
        return "auth-error";
    case Reason::out_of_memory:
        return "out-of-memory";
    case Reason::channel_failed:
        return "channel-failed";
    case Reason::exec_failed:
        return "exec-failed";
    case Reason::read_failed:
        return "read-failed";
    case Reason::command_timeout:
        return "command-timeout";
    case Reason::deadline:
        return "deadline";
    case Reason::deadline_not_started:
        return "deadline-not-started";
    case Reason::interrupted:
        return "interrupted";
    case Reason::event_loop:
        return "event-loop";
    case Reason::failure_budget:
        return "failure-budget";
    case Reason::declined:
        return "declined";
    case Reason::audit_failed:
        return "audit-failed";
    }
    return ""; // not a Reason (a cast from an unknown number)
}

std::string not_started_message(Reason reason) {
    switch (reason) {
    case Reason::interrupted:
        return "not started: interrupted";
    case Reason::failure_budget:
        return "not started: failure budget exceeded";
    case Reason::declined:
        return "not started: the responder declined";
    case Reason::audit_failed:
        return "not started: the audit log cannot be written";
    default:
        return "not started: " + std::string(to_string(reason));
    }
}

} // namespace breakglass::transport
