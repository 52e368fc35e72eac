#include "transport/phase_deadlines.hpp"

namespace breakglass::transport {

namespace {

// "5.0s": tenths, truncated.
std::string seconds_text(std::chrono::milliseconds value) {
    return std::to_string(value.count() / 1000) + "." + std::to_string(value.count() % 1000 / 100) +
           "s";
}

} // namespace

PhaseDeadlines::PhaseDeadlines(std::chrono::milliseconds connect_timeout,
                               std::chrono::milliseconds handshake_timeout,
                               std::chrono::milliseconds command_timeout)
    : m_connect(connect_timeout), m_handshake(handshake_timeout), m_command(command_timeout) {}

void PhaseDeadlines::enter(Phase phase, Clock::time_point now, std::chrono::milliseconds timeout) {
    m_phase = phase;
    m_limit = timeout;
    m_deadline = timeout.count() > 0 ? now + timeout : Clock::time_point::max();
}

void PhaseDeadlines::start_link(Clock::time_point now) {
    // Waiting for the bastion's own handshake counts against this node's handshake budget.
    enter(Phase::link, now, m_connect + m_handshake);
}

void PhaseDeadlines::start_connect(Clock::time_point now) {
    enter(Phase::connect, now, m_connect);
}

void PhaseDeadlines::start_handshake(Clock::time_point now) {
    enter(Phase::handshake, now, m_handshake);
}

void PhaseDeadlines::start_command(Clock::time_point now, std::chrono::milliseconds step_timeout) {
    enter(Phase::command, now, step_timeout.count() > 0 ? step_timeout : m_command);
}

void PhaseDeadlines::stay_open(Clock::time_point now) {
    enter(Phase::open, now, std::chrono::milliseconds{0});
}

PhaseDeadlines::Expiry PhaseDeadlines::expiry(std::string_view bastion) const {
    switch (m_phase) {
    case Phase::link:
        return {NodeStatus::unreachable, Reason::jump_failed,
                "no tunnel through bastion " + std::string(bastion) + " in time", false};
    case Phase::connect:
        return {NodeStatus::unreachable, Reason::connect_timeout,
                "no TCP connection within " + seconds_text(m_connect), false};
    case Phase::handshake:
        return {NodeStatus::timeout, Reason::handshake_timeout,
                "key exchange and authentication took longer than " + seconds_text(m_handshake),
                false};
    case Phase::command:
    case Phase::open:
        break;
    }
    return {NodeStatus::timeout, Reason::command_timeout,
            "command still running after " + seconds_text(m_limit), true};
}

} // namespace breakglass::transport
