#include "transport/node_session.hpp"

#include "transport/become.hpp"
#include "transport/host_key_check.hpp"
#include "transport/session_setup.hpp"

#include <array>
#include <poll.h>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

std::chrono::milliseconds since(Clock::time_point start, Clock::time_point now) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
}

} // namespace

NodeSession::NodeSession(std::size_t index, NodeTarget target, const NodeJob& job,
                         const SessionSettings& settings, Clock::time_point now, Bastion* via)
    : m_index(index), m_target(std::move(target)), m_job(job), m_settings(settings), m_started(now),
      m_deadlines(settings.connect_timeout, settings.handshake_timeout, settings.command_timeout),
      m_via(via), m_out(settings.max_output), m_err(settings.max_output) {
    m_result.via = describe(m_target.jumps, m_target.jumps.size());
    if (m_via != nullptr) {
        enter(Phase::link, now);
        m_deadlines.start_link(now);
    } else {
        enter(Phase::tcp_connect, now);
        m_deadlines.start_connect(now);
    }
}

NodeSession::~NodeSession() {
    // Channel before session: a channel belongs to its session. The tunnel goes last: its
    // channel lives on the bastion's session, which outlives this one.
    m_channel.reset();
    if (m_session) {
        ssh_disconnect(m_session.get());
        m_session.reset();
    }
    release_tunnel();
}

WaitSet NodeSession::wait_set() const {
    WaitSet wait;
    if (done()) {
        return wait;
    }
    if (m_pump) {
        wait.tunnel = {m_pump->local_fd(), m_pump->wants_local_write()};
    }
    if (m_session) {
        // Writability only while libssh holds queued bytes (ssh_get_status): without it they
        // are never sent and connects hang. Not ssh_get_poll_flags(): libssh re-arms its POLLOUT
        // detector after every send, queued bytes or not, which would cost a wake-up and two
        // epoll_ctl calls per packet sent. Bytes queued later are seen after that step.
        wait.socket = {ssh_get_fd(m_session.get()),
                       (ssh_get_status(m_session.get()) & SSH_WRITE_PENDING) != 0};
    } else if (m_socket && m_phase == Phase::tcp_connect) {
        wait.socket = {m_socket.get(), true}; // a connecting socket becomes writable when connected
    }
    return wait;
}

bool NodeSession::connection_lost() const {
    return m_session && (ssh_get_status(m_session.get()) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

void NodeSession::release_tunnel() {
    if (m_pump) {
        m_pump.reset();
        m_via->channel_closed();
    }
}

void NodeSession::enter(Phase phase, Clock::time_point now) {
    m_phase = phase;
    m_phase_started = now;
}

void NodeSession::step(Clock::time_point now) {
    if (done()) {
        return;
    }
    if (m_pump && m_phase != Phase::link && m_pump->step() == ChannelPump::State::failed) {
        const std::string reason = m_pump->error();
        if (m_phase >= Phase::open_channel && m_phase != Phase::ready) {
            record_interrupted_step(NodeStatus::unreachable, Reason::jump_failed, now);
        }
        finish(NodeStatus::unreachable, Reason::jump_failed,
               "bastion " + describe(m_via->host()) + ": " + reason, now);
        return;
    }
    if (m_deadlines.passed(now)) {
        timed_out(now);
        return;
    }
    while (!done() && step_once(now) == Progress::advanced) {
    }
}

NodeSession::Progress NodeSession::step_once(Clock::time_point now) {
    switch (m_phase) {
    case Phase::tcp_connect:
        return connect_tcp(now);
    case Phase::link:
        return link(now);
    case Phase::ready:
        return keep_alive(now);
    case Phase::handshake:
        return handshake(now);
    case Phase::auth:
        return authenticate(now);
    case Phase::open_channel:
        return open_channel(now);
    case Phase::exec:
        return request_exec(now);
    case Phase::read:
        return read_output(now);
    case Phase::exit_status:
        return collect_exit_status(now);
    case Phase::done:
        return Progress::waiting;
    }
    return Progress::waiting;
}

NodeSession::Progress NodeSession::connect_tcp(Clock::time_point now) {
    if (!m_socket) {
        auto socket = start_connect(m_target.address, m_target.port);
        if (!socket) {
            finish(NodeStatus::unreachable, Reason::connect_failed, socket.error(), now);
            return Progress::advanced;
        }
        m_socket = std::move(*socket);
        return Progress::waiting; // the socket reports writable once the connect is done
    }
    pollfd probe{m_socket.get(), POLLOUT, 0};
    if (::poll(&probe, 1, 0) <= 0) {
        return Progress::waiting;
    }
    if (std::string error = finish_connect(m_socket.get()); !error.empty()) {
        finish(NodeStatus::unreachable, Reason::connect_failed, "connect: " + error, now);
        return Progress::advanced;
    }
    connected(now);
    return Progress::advanced;
}

void NodeSession::connected(Clock::time_point now) {
    m_result.timings.connect = since(m_started, now);
    enter(Phase::handshake, now);
    m_deadlines.start_handshake(now);
}

NodeSession::Progress NodeSession::link(Clock::time_point now) {
    // Stepped at most wake-ups while waiting for a channel slot: build messages only on failure.
    if (m_via->failed()) {
        finish(NodeStatus::unreachable, Reason::jump_failed,
               "bastion " + describe(m_via->host()) + ": " + m_via->failure(), now);
        return Progress::advanced;
    }
    if (!m_pump) {
        if (!m_via->can_open_channel()) {
            // The loop steps us again when the bastion moves, a channel slot frees up, or a
            // lost bastion connection has been re-established.
            return Progress::waiting;
        }
        m_pump = m_via->open_channel(m_target.address, m_target.port);
    }
    switch (m_pump->step()) {
    case ChannelPump::State::opening:
        return Progress::waiting;
    case ChannelPump::State::failed:
        if (!m_link_retried && m_via->connection_lost()) {
            // The bastion dropped before this node's tunnel opened: nothing ran on the node
            // yet, so wait for the bastion to be re-established (once).
            m_link_retried = true;
            release_tunnel();
            return Progress::waiting;
        }
        finish(NodeStatus::unreachable, Reason::jump_failed,
               "bastion " + describe(m_via->host()) + ": " + m_pump->error(), now);
        return Progress::advanced;
    case ChannelPump::State::open:
        break;
    }
    m_socket = m_pump->take_session_end();
    connected(now);
    return Progress::advanced;
}

NodeSession::Progress NodeSession::keep_alive(Clock::time_point now) {
    // Processes what arrived (channel data for tunnels, or the server closing on us) and
    // flushes what is queued, without blocking.
    if (ssh_blocking_flush(m_session.get(), 0) == SSH_ERROR ||
        (ssh_get_status(m_session.get()) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
        finish(NodeStatus::unreachable, Reason::connection_lost,
               "connection lost: " + session_error(m_session.get()), now);
        return Progress::advanced;
    }
    return Progress::waiting;
}

NodeSession::Progress NodeSession::handshake(Clock::time_point now) {
    if (!m_session) {
        m_session = open_client_session(m_target, m_settings, std::move(m_socket));
        if (!m_session) {
            finish(NodeStatus::error, Reason::out_of_memory, "cannot allocate an SSH session", now);
            return Progress::advanced;
        }
    }
    int rc = ssh_connect(m_session.get());
    if (rc == SSH_AGAIN) {
        return Progress::waiting;
    }
    if (rc != SSH_OK) {
        finish(NodeStatus::error, Reason::handshake_failed,
               "key exchange failed: " + session_error(m_session.get()), now);
        return Progress::advanced;
    }
    m_result.timings.handshake = since(m_phase_started, now);
    if (!verify_host_key(now)) {
        return Progress::advanced;
    }
    if (m_job.scan_host_key_only) {
        finish(NodeStatus::ok, Reason::none, "", now);
        return Progress::advanced;
    }
    enter(Phase::auth, now); // same deadline: key exchange and authentication share one
    return Progress::advanced;
}

bool NodeSession::verify_host_key(Clock::time_point now) {
    HostKeyVerdict verdict = check_host_key(
        m_session.get(), m_target.pinned_host_keys, m_settings.known_hosts,
        m_settings.accept_new_host_keys && !m_job.scan_host_key_only, m_job.scan_host_key_only);
    m_result.host_key = std::move(verdict.presented);
    if (verdict.status != NodeStatus::ok) {
        finish(verdict.status, verdict.reason, verdict.message, now);
        return false;
    }
    m_result.reason = verdict.reason; // hostkey_added when trusted on first use
    return true;
}

NodeSession::Progress NodeSession::authenticate(Clock::time_point now) {
    ssh_session s = m_session.get();
    const auto& identities = m_settings.credentials->identities;
    while (m_next_identity < identities.size()) {
        int rc = ssh_userauth_publickey(s, nullptr, identities[m_next_identity].key.get());
        if (rc == SSH_AUTH_AGAIN) {
            return Progress::waiting;
        }
        if (rc == SSH_AUTH_SUCCESS) {
            m_result.timings.auth = since(m_phase_started, now);
            authenticated(now);
            return Progress::advanced;
        }
        if (rc == SSH_AUTH_ERROR) {
            finish(NodeStatus::error, Reason::auth_error, "authentication: " + session_error(s),
                   now);
            return Progress::advanced;
        }
        ++m_next_identity; // denied or partial: try the next key
    }
    if (m_settings.credentials->use_agent && !m_trying_agent) {
        int rc = ssh_userauth_agent(s, nullptr);
        if (rc == SSH_AUTH_AGAIN) {
            return Progress::waiting;
        }
        m_trying_agent = true; // tried once, whatever the outcome
        if (rc == SSH_AUTH_SUCCESS) {
            m_result.timings.auth = since(m_phase_started, now);
            authenticated(now);
            return Progress::advanced;
        }
    }
    finish(NodeStatus::auth_failed, Reason::auth_failed,
           "no identity was accepted for user '" + m_target.user + "'", now);
    return Progress::advanced;
}

NodeSession::Progress NodeSession::open_channel(Clock::time_point now) {
    if (!m_channel) {
        m_channel.reset(ssh_channel_new(m_session.get()));
        if (!m_channel) {
            finish(NodeStatus::error, Reason::channel_failed, session_error(m_session.get()), now);
            return Progress::advanced;
        }
    }
    int rc = ssh_channel_open_session(m_channel.get());
    if (rc == SSH_AGAIN) {
        return Progress::waiting;
    }
    if (rc != SSH_OK) {
        finish(NodeStatus::error, Reason::channel_failed,
               "cannot open a session channel: " + session_error(m_session.get()), now);
        return Progress::advanced;
    }
    m_phase = Phase::exec; // same command deadline
    return Progress::advanced;
}

NodeSession::Progress NodeSession::request_exec(Clock::time_point now) {
    const JobStep& step = m_job.steps[m_step];
    const std::string command =
        step.become ? with_become(step.command, m_target.become) : step.command;
    int rc = ssh_channel_request_exec(m_channel.get(), command.c_str());
    if (rc == SSH_AGAIN) {
        return Progress::waiting;
    }
    if (rc != SSH_OK) {
        finish(NodeStatus::error, Reason::exec_failed,
               "exec request refused: " + session_error(m_session.get()), now);
        return Progress::advanced;
    }
    m_phase = Phase::read;
    return Progress::advanced;
}

NodeSession::Progress NodeSession::read_output(Clock::time_point now) {
    std::array<char, 16384> buffer{};
    bool got_data = false;
    for (int is_stderr : {0, 1}) {
        int n = ssh_channel_read_nonblocking(m_channel.get(), buffer.data(),
                                             std::uint32_t(buffer.size()), is_stderr);
        if (n == SSH_ERROR) {
            finish(NodeStatus::error, Reason::read_failed,
                   "reading output: " + session_error(m_session.get()), now);
            return Progress::advanced;
        }
        if (n > 0) {
            std::string_view data(buffer.data(), std::size_t(n));
            (is_stderr != 0 ? m_err : m_out).append(data);
            if (m_settings.on_output) {
                m_settings.on_output(m_index, data, is_stderr != 0);
            }
            got_data = true;
        }
    }
    if (got_data) {
        return Progress::advanced;
    }
    if (ssh_channel_is_eof(m_channel.get()) != 0 || ssh_channel_is_closed(m_channel.get()) != 0) {
        m_phase = Phase::exit_status;
        return Progress::advanced;
    }
    return Progress::waiting;
}

NodeSession::Progress NodeSession::collect_exit_status(Clock::time_point now) {
    // -1 until the exit-status message has arrived (it may follow EOF).
    int status = ssh_channel_get_exit_status(m_channel.get());
    if (status >= 0) {
        end_step(status == 0 ? NodeStatus::ok : NodeStatus::failed, status,
                 status == 0 ? Reason::none : Reason::exit_status, now);
        return Progress::advanced;
    }
    if (ssh_channel_is_closed(m_channel.get()) != 0 ||
        (ssh_get_status(m_session.get()) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
        end_step(NodeStatus::failed, std::nullopt, Reason::no_exit_status, now);
        return Progress::advanced;
    }
    return Progress::waiting;
}

void NodeSession::authenticated(Clock::time_point now) {
    if (m_job.keep_open) {
        enter(Phase::ready, now);
        m_deadlines.stay_open(now);
        return;
    }
    start_step(now);
}

void NodeSession::start_step(Clock::time_point now) {
    if (m_step >= m_job.steps.size()) {
        finish(NodeStatus::ok, Reason::none, "", now);
        return;
    }
    m_channel.reset();
    enter(Phase::open_channel, now);
    m_deadlines.start_command(now, m_job.steps[m_step].timeout);
}

void NodeSession::end_step(NodeStatus status, std::optional<int> exit_code, Reason reason,
                           Clock::time_point now) {
    const JobStep& step = m_job.steps[m_step];
    StepResult result;
    result.name = step.name;
    result.status = status;
    result.exit_code = exit_code;
    result.reason = reason;
    result.out = m_out.take();
    result.err = m_err.take();
    result.duration = since(m_phase_started, now);
    if (m_settings.on_step_end) {
        m_settings.on_step_end(m_index);
    }
    if (step.become && m_target.become != BecomeMethod::none) {
        classify_become_denied(result);
    }
    m_result.timings.exec += result.duration;
    m_result.exit_code = exit_code;
    m_result.steps.push_back(std::move(result));
    if (status == NodeStatus::ok) {
        ++m_step;
        start_step(now);
        return;
    }
    const StepResult& failed = m_result.steps.back();
    std::string message;
    if (failed.reason == Reason::no_exit_status) {
        message = "the command ended without an exit status (killed by a signal?)";
    } else if (failed.reason == Reason::become_denied) {
        message = "privilege escalation refused (sudo wants a password or refuses the user)";
    } else if (failed.exit_code) {
        message = "exit status " + std::to_string(*failed.exit_code);
    } else {
        message = to_string(failed.reason);
    }
    if (m_job.steps.size() > 1) {
        message = "step '" + step.name + "': " + message;
    }
    finish(status, failed.reason, message, now);
}

void NodeSession::timed_out(Clock::time_point now) {
    const PhaseDeadlines::Expiry expiry =
        m_deadlines.expiry(m_via != nullptr ? describe(m_via->host()) : std::string());
    if (expiry.interrupts_step) {
        if (m_channel) {
            // Best effort: ask sshd to stop the command rather than leave it running.
            ssh_channel_request_send_signal(m_channel.get(), "TERM");
        }
        record_interrupted_step(expiry.status, expiry.reason, now);
    }
    finish(expiry.status, expiry.reason, expiry.message, now);
}

void NodeSession::abort(NodeStatus status, Reason reason, const std::string& message,
                        Clock::time_point now) {
    if (done()) {
        return;
    }
    if (m_channel && m_phase >= Phase::read) {
        ssh_channel_request_send_signal(m_channel.get(), "TERM");
    }
    if (m_phase >= Phase::open_channel && m_phase != Phase::done) {
        record_interrupted_step(status, reason, now);
    }
    finish(status, reason, message, now);
}

void NodeSession::record_interrupted_step(NodeStatus status, Reason reason, Clock::time_point now) {
    StepResult result;
    result.name = m_job.steps[m_step].name;
    result.status = status;
    result.reason = reason;
    result.out = m_out.take();
    result.err = m_err.take();
    result.duration = since(m_phase_started, now);
    m_result.timings.exec += result.duration;
    m_result.steps.push_back(std::move(result));
}

void NodeSession::finish(NodeStatus status, Reason reason, const std::string& message,
                         Clock::time_point now) {
    m_result.status = status;
    if (reason != Reason::none || m_result.reason != Reason::hostkey_added) {
        m_result.reason = reason;
    }
    m_result.message = message;
    if (!m_result.steps.empty()) {
        // Top-level output is the last step's: exec's only command, a playbook's failing step.
        m_result.out = m_result.steps.back().out;
        m_result.err = m_result.steps.back().err;
    }
    m_result.timings.total = since(m_started, now);
    m_phase = Phase::done;
    m_channel.reset();
    if (m_job.keep_open) {
        return; // a bastion's session carries other nodes' channels: the fan-out frees it
    }
    if (m_session) {
        ssh_disconnect(m_session.get());
        m_session.reset();
    }
    release_tunnel();
}

} // namespace breakglass::transport
