#pragma once

#include "transport/bastion.hpp"
#include "transport/become.hpp"
#include "transport/channel_pump.hpp"
#include "transport/identity.hpp"
#include "transport/jump_host.hpp"
#include "transport/node_result.hpp"
#include "transport/output_tail.hpp"
#include "transport/phase_deadlines.hpp"
#include "transport/poller.hpp"
#include "transport/ssh_handles.hpp"
#include "transport/tcp_connect.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::transport {

using Clock = std::chrono::steady_clock;

struct NodeJob;

/// One node as the transport sees it: where, as whom, and which host keys to trust.
struct NodeTarget {
    std::string name;
    std::string address; // IP literal
    std::uint16_t port = 22;
    std::string user;
    std::vector<std::string> pinned_host_keys; // OpenSSH "type base64"; empty: use known_hosts
    BecomeMethod become = BecomeMethod::none;  // how a become step runs on this node
    std::vector<JumpHost> jumps; // bastions to go through, outermost first; empty: direct
    // This node's own job (a playbook rendered with its own parameters, e.g. its runtime
    // socket); null: the run's job.
    std::shared_ptr<const NodeJob> job;
};

/// Settings every session of one run shares.
struct SessionSettings {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds handshake_timeout{60000}; // key exchange + authentication
    std::chrono::milliseconds command_timeout{0};       // 0: none
    std::size_t max_output = 1U << 20U;                 // per stream
    std::string known_hosts;                            // used when a node has no pinned key
    bool accept_new_host_keys = false;
    const Credentials* credentials = nullptr; // not needed when scanning host keys
    /// Called with each node's output as it arrives (streamed human output); may be empty.
    std::function<void(std::size_t node, std::string_view data, bool is_stderr)> on_output;
    /// Called when one step of a node's job ended, before the next starts; may be empty.
    std::function<void(std::size_t node)> on_step_end;
};

/// One command of a job, run on its own channel of the node's session.
struct JobStep {
    std::string name;
    std::string command;
    std::chrono::milliseconds timeout{0}; // 0: SessionSettings::command_timeout
    bool become = false;                  // wrap with the target's become command
};

/// What a session does once connected: run the steps in order on one authenticated session
/// (the first step that does not end ok stops the node), or (scan) stop after key exchange.
struct NodeJob {
    std::vector<JobStep> steps;
    bool scan_host_key_only = false;
    bool keep_open = false; // a bastion: stay connected after authentication
};

/// One node's SSH session as a nonblocking state machine, driven by the fan-out's event loop:
/// step() does all the work possible without blocking; the loop then waits on wait_set() or until
/// next_timer(). Every phase has a deadline (PhaseDeadlines), so no node hangs. The session never
/// reads the clock: every call takes `now`, so it runs under a fake clock. Every end goes through
/// one place, which fills the result and frees the connection.
class NodeSession {
public:
    /// `index` identifies the node in output callbacks; `via` is the bastion to tunnel
    /// through (nullptr: a direct TCP connection).
    NodeSession(std::size_t index, NodeTarget target, const NodeJob& job,
                const SessionSettings& settings, Clock::time_point now, Bastion* via = nullptr);
    NodeSession(const NodeSession&) = delete;
    NodeSession& operator=(const NodeSession&) = delete;
    NodeSession(NodeSession&&) = delete;
    NodeSession& operator=(NodeSession&&) = delete;
    ~NodeSession();

    /// Advances as far as possible; call when a descriptor of wait_set() is ready or
    /// next_timer() has passed (calling it at other times is harmless).
    void step(Clock::time_point now);
    /// Ends the session now (run deadline, interrupt) with the given outcome.
    void abort(NodeStatus status, Reason reason, const std::string& message, Clock::time_point now);

    bool done() const { return m_phase == Phase::done; }
    /// A bastion session (NodeJob::keep_open) that is authenticated and carries channels.
    bool ready() const { return m_phase == Phase::ready; }
    /// The libssh session, for bastions opening channels; nullptr before the handshake.
    ssh_session_struct* ssh() const { return m_session.get(); }
    Bastion* via() const { return m_via; }
    /// True once libssh has seen the connection close or fail, possibly while another
    /// session's tunnel read from it; step() then ends the session. No I/O.
    bool connection_lost() const;
    /// True while this session holds a tunnel through its bastion.
    bool tunnelled() const { return m_pump != nullptr; }
    /// The descriptors to wait on after a step (the session's socket, and the tunnel's), for
    /// writing too while libssh or the tunnel has bytes queued; empty once done().
    WaitSet wait_set() const;
    Clock::time_point next_timer() const { return m_deadlines.deadline(); }
    /// True while waiting for a bastion: stepped whenever the bastion moves.
    bool linking() const { return m_phase == Phase::link; }
    const NodeTarget& target() const { return m_target; }
    std::size_t index() const { return m_index; }
    NodeResult take_result() { return std::move(m_result); }

private:
    enum class Phase {
        tcp_connect,
        link, // through a bastion: waiting for it, then for the direct-tcpip channel
        handshake,
        auth,
        ready, // bastions only
        open_channel,
        exec,
        read,
        exit_status,
        done
    };
    enum class Progress { advanced, waiting };

    Progress step_once(Clock::time_point now);
    Progress connect_tcp(Clock::time_point now);
    Progress link(Clock::time_point now);
    Progress keep_alive(Clock::time_point now);
    void connected(Clock::time_point now);
    void release_tunnel();
    Progress handshake(Clock::time_point now);
    Progress authenticate(Clock::time_point now);
    Progress open_channel(Clock::time_point now);
    Progress request_exec(Clock::time_point now);
    Progress read_output(Clock::time_point now);
    Progress collect_exit_status(Clock::time_point now);
    void authenticated(Clock::time_point now);
    void start_step(Clock::time_point now);
    void end_step(NodeStatus status, std::optional<int> exit_code, Reason reason,
                  Clock::time_point now);
    bool verify_host_key(Clock::time_point now);
    void enter(Phase phase, Clock::time_point now);
    void finish(NodeStatus status, Reason reason, const std::string& message,
                Clock::time_point now);
    void timed_out(Clock::time_point now);
    void record_interrupted_step(NodeStatus status, Reason reason, Clock::time_point now);

    std::size_t m_index;
    NodeTarget m_target;
    const NodeJob& m_job;
    const SessionSettings& m_settings;
    Phase m_phase = Phase::tcp_connect;
    Clock::time_point m_started;
    Clock::time_point m_phase_started;
    PhaseDeadlines m_deadlines;
    Bastion* m_via = nullptr;
    std::unique_ptr<ChannelPump> m_pump; // the tunnel carrying m_session's bytes, if any
    Fd m_socket;                         // until handed to libssh
    SessionHandle m_session;
    ChannelHandle m_channel;
    std::size_t m_next_identity = 0;
    std::size_t m_step = 0;
    bool m_trying_agent = false;
    bool m_link_retried = false;
    OutputTail m_out;
    OutputTail m_err;
    NodeResult m_result;
};

} // namespace breakglass::transport
