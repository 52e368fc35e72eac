// NodeSession's state machine under a fake clock. No network: the peers are loopback sockets
// this test owns (a listener that never accepts, so the TCP connect completes and the SSH
// handshake then waits forever; a bound socket that does not listen, so the connect is
// refused). The clock the session is given starts far from the machine's steady clock, so any
// read of the real clock would show in the timings and deadlines checked here.
#include "tests/unit/support/loopback_peer.hpp"
#include "transport/bastion.hpp"
#include "transport/node_session.hpp"

#include <poll.h>

#include <gtest/gtest.h>

using breakglass::transport::Bastion;
using breakglass::transport::Clock;
using breakglass::transport::JobStep;
using breakglass::transport::JumpHost;
using breakglass::transport::NodeJob;
using breakglass::transport::NodeSession;
using breakglass::transport::NodeStatus;
using breakglass::transport::NodeTarget;
using breakglass::transport::Reason;
using breakglass::transport::SessionSettings;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1000h;

using breakglass::testing::LoopbackPeer;

NodeTarget target_at(std::uint16_t port) {
    NodeTarget target;
    target.name = "node-1";
    target.address = "127.0.0.1";
    target.port = port;
    target.user = "core";
    return target;
}

// Waits (really, on the socket) until the session's descriptor is ready for what it waits for:
// synchronises on the kernel's state, never on time.
bool socket_ready(const NodeSession& session) {
    const auto wait = session.wait_set().socket;
    if (wait.fd < 0) {
        return false;
    }
    pollfd probe{wait.fd, short(POLLIN | (wait.write ? POLLOUT : 0)), 0};
    return ::poll(&probe, 1, 10000) == 1;
}

class TransportNodeSession : public ::testing::Test {
protected:
    TransportNodeSession() { m_job.steps.push_back(JobStep{"exec", "true", 0ms, false}); }
    SessionSettings m_settings; // 5 s connect, 60 s handshake, no command timeout
    NodeJob m_job;
};

} // namespace

TEST_F(TransportNodeSession, ConnectTimeoutPassesAtTheGivenClocksConnectDeadline) {
    LoopbackPeer peer(true);
    NodeSession session(0, target_at(peer.port), m_job, m_settings, t0);
    EXPECT_EQ(session.next_timer(), t0 + 5s);
    session.step(t0); // starts the connect
    EXPECT_FALSE(session.done());
    // The deadline is checked before any progress, so even a connect the kernel has finished
    // does not count once the deadline has passed.
    session.step(t0 + 5s);
    ASSERT_TRUE(session.done());
    auto result = session.take_result();
    EXPECT_EQ(result.status, NodeStatus::unreachable);
    EXPECT_EQ(result.reason, Reason::connect_timeout);
    EXPECT_EQ(result.message, "no TCP connection within 5.0s");
    EXPECT_EQ(result.timings.total, 5000ms);
    EXPECT_TRUE(result.steps.empty());
    EXPECT_EQ(session.wait_set().socket.fd, -1); // nothing left to wait on
}

TEST_F(TransportNodeSession, RefusedConnectEndsConnectFailedAtTheGivenTime) {
    LoopbackPeer peer(false); // bound, not listening: the kernel answers with a reset
    NodeSession session(0, target_at(peer.port), m_job, m_settings, t0);
    session.step(t0);
    if (!session.done()) { // the refusal came asynchronously
        ASSERT_TRUE(socket_ready(session));
        session.step(t0 + 3ms);
    }
    ASSERT_TRUE(session.done());
    auto result = session.take_result();
    EXPECT_EQ(result.status, NodeStatus::unreachable);
    EXPECT_EQ(result.reason, Reason::connect_failed);
    EXPECT_EQ(result.message, "connect: Connection refused");
    EXPECT_LE(result.timings.total, 3ms);
}

TEST_F(TransportNodeSession, HandshakeDeadlineCountsFromTheConnectAndPassesOnTheGivenClock) {
    LoopbackPeer peer(true); // accepts into its backlog, never says a word of SSH
    NodeSession session(0, target_at(peer.port), m_job, m_settings, t0);
    session.step(t0);
    ASSERT_TRUE(socket_ready(session)); // writable: connected
    session.step(t0 + 40ms);
    ASSERT_FALSE(session.done());
    EXPECT_EQ(session.next_timer(), t0 + 40ms + 60s); // the handshake deadline
    session.step(t0 + 40ms + 59999ms);                // the banner never comes: still waiting
    ASSERT_FALSE(session.done());
    session.step(t0 + 40ms + 60s);
    ASSERT_TRUE(session.done());
    auto result = session.take_result();
    EXPECT_EQ(result.status, NodeStatus::timeout);
    EXPECT_EQ(result.reason, Reason::handshake_timeout);
    EXPECT_EQ(result.message, "key exchange and authentication took longer than 60.0s");
    EXPECT_EQ(result.timings.connect, 40ms);
    EXPECT_EQ(result.timings.total, 60040ms);
}

TEST_F(TransportNodeSession, HandshakeTimeoutFollowsTheSettings) {
    m_settings.connect_timeout = 250ms;
    m_settings.handshake_timeout = 1500ms;
    LoopbackPeer peer(true);
    NodeSession session(0, target_at(peer.port), m_job, m_settings, t0);
    EXPECT_EQ(session.next_timer(), t0 + 250ms);
    session.step(t0);
    ASSERT_TRUE(socket_ready(session));
    session.step(t0 + 100ms);
    EXPECT_EQ(session.next_timer(), t0 + 1600ms);
    session.step(t0 + 1600ms);
    auto result = session.take_result();
    EXPECT_EQ(result.reason, Reason::handshake_timeout);
    EXPECT_EQ(result.message, "key exchange and authentication took longer than 1.5s");
}

TEST_F(TransportNodeSession, RunDeadlineAbortEndsItOnceWithTheGivenTime) {
    LoopbackPeer peer(true);
    NodeSession session(0, target_at(peer.port), m_job, m_settings, t0);
    session.step(t0);
    ASSERT_TRUE(socket_ready(session));
    session.step(t0 + 10ms); // in the handshake now
    ASSERT_FALSE(session.done());
    session.abort(NodeStatus::timeout, Reason::deadline, "run deadline reached", t0 + 3s);
    ASSERT_TRUE(session.done());
    session.abort(NodeStatus::error, Reason::interrupted, "interrupted", t0 + 4s); // ends once
    session.step(t0 + 100s);
    auto result = session.take_result();
    EXPECT_EQ(result.status, NodeStatus::timeout);
    EXPECT_EQ(result.reason, Reason::deadline);
    EXPECT_EQ(result.message, "run deadline reached");
    EXPECT_EQ(result.timings.total, 3000ms);
    EXPECT_TRUE(result.steps.empty()); // no command had started
    EXPECT_EQ(session.wait_set().socket.fd, -1);
}

TEST_F(TransportNodeSession, WaitingForABastionThatNeverComesUpEndsJumpFailedAtTheLinkDeadline) {
    const JumpHost hop{"ops", "127.0.0.1", 2222};
    Bastion bastion(hop, "ops@127.0.0.1:2222", nullptr, "ops", 64); // never connected
    NodeTarget target = target_at(22);
    target.jumps = {hop};
    NodeSession session(0, target, m_job, m_settings, t0, &bastion);
    EXPECT_TRUE(session.linking());
    EXPECT_EQ(session.next_timer(), t0 + 65s); // connect + handshake budgets
    session.step(t0 + 64s);
    EXPECT_FALSE(session.done());
    EXPECT_FALSE(session.tunnelled());
    EXPECT_EQ(bastion.channels(), 0);
    session.step(t0 + 65s);
    ASSERT_TRUE(session.done());
    auto result = session.take_result();
    EXPECT_EQ(result.status, NodeStatus::unreachable);
    EXPECT_EQ(result.reason, Reason::jump_failed);
    EXPECT_EQ(result.message, "no tunnel through bastion ops@127.0.0.1:2222 in time");
    EXPECT_EQ(result.via, "ops@127.0.0.1:2222");
    EXPECT_EQ(result.timings.total, 65000ms);
}
