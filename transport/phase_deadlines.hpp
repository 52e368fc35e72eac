#pragma once

#include "transport/node_result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace breakglass::transport {

/// The decision part of a session's deadlines, apart from any I/O so it runs under a fake clock:
/// which deadline the current phase has, and what ending by it means. The caller passes `now`
/// everywhere; nothing here reads a clock.
class PhaseDeadlines {
public:
    using Clock = std::chrono::steady_clock;

    /// The phases that own a deadline (several of the session's finer phases share one).
    enum class Phase {
        link,      // waiting for a bastion and a tunnel: connect + handshake budgets together
        connect,   // TCP connect: the connect timeout
        handshake, // key exchange, host key check and authentication: one handshake timeout
        command,   // one step: open a channel, exec, read, collect the exit status
        open,      // a bastion carrying channels: no deadline
    };

    /// What a passed deadline ends the session with.
    struct Expiry {
        NodeStatus status = NodeStatus::timeout;
        Reason reason = Reason::none; // connect_timeout, handshake_timeout, command_timeout, ...
        std::string message;          // one human line
        bool interrupts_step = false; // a command was running: record it and signal it
    };

    /// A zero timeout means none (never passes).
    PhaseDeadlines(std::chrono::milliseconds connect_timeout,
                   std::chrono::milliseconds handshake_timeout,
                   std::chrono::milliseconds command_timeout);

    void start_link(Clock::time_point now);
    void start_connect(Clock::time_point now);
    /// Starts the one deadline that key exchange and authentication share.
    void start_handshake(Clock::time_point now);
    /// Starts one step's deadline: `step_timeout`, or the command timeout when it is zero.
    void start_command(Clock::time_point now, std::chrono::milliseconds step_timeout);
    void stay_open(Clock::time_point now);

    Phase phase() const { return m_phase; }
    /// Clock::time_point::max() when the phase has no deadline.
    Clock::time_point deadline() const { return m_deadline; }
    bool passed(Clock::time_point now) const { return now >= m_deadline; }
    /// The outcome when the deadline has passed; `bastion` names the hop waited for in `link`.
    Expiry expiry(std::string_view bastion) const;

private:
    void enter(Phase phase, Clock::time_point now, std::chrono::milliseconds timeout);

    std::chrono::milliseconds m_connect;
    std::chrono::milliseconds m_handshake;
    std::chrono::milliseconds m_command;
    std::chrono::milliseconds m_limit{0}; // the current phase's timeout (0: none)
    Phase m_phase = Phase::connect;
    Clock::time_point m_deadline = Clock::time_point::max();
};

} // namespace breakglass::transport
