#include "transport/phase_deadlines.hpp"

#include <gtest/gtest.h>

using breakglass::transport::NodeStatus;
using breakglass::transport::PhaseDeadlines;
using breakglass::transport::Reason;
using namespace std::chrono_literals;

namespace {

using Clock = PhaseDeadlines::Clock;
using Phase = PhaseDeadlines::Phase;

// A fake clock: far from the machine's steady clock, so nothing here can pass by reading it.
const Clock::time_point t0 = Clock::time_point{} + 1000h;

PhaseDeadlines defaults() {
    return PhaseDeadlines(5000ms, 60000ms, 0ms); // the run's defaults: no command timeout
}

} // namespace

TEST(TransportPhaseDeadlines, ConnectEndsUnreachableExactlyAtTheConnectTimeout) {
    PhaseDeadlines deadlines = defaults();
    deadlines.start_connect(t0);
    EXPECT_EQ(deadlines.phase(), Phase::connect);
    EXPECT_EQ(deadlines.deadline(), t0 + 5s);
    EXPECT_FALSE(deadlines.passed(t0 + 4999ms));
    EXPECT_TRUE(deadlines.passed(t0 + 5s));
    const auto expiry = deadlines.expiry("");
    EXPECT_EQ(expiry.status, NodeStatus::unreachable);
    EXPECT_EQ(expiry.reason, Reason::connect_timeout);
    EXPECT_EQ(expiry.message, "no TCP connection within 5.0s");
    EXPECT_FALSE(expiry.interrupts_step);
}

TEST(TransportPhaseDeadlines, KeyExchangeAndAuthenticationShareOneHandshakeDeadline) {
    PhaseDeadlines deadlines = defaults();
    deadlines.start_connect(t0);
    deadlines.start_handshake(t0 + 120ms); // connected
    EXPECT_EQ(deadlines.phase(), Phase::handshake);
    EXPECT_EQ(deadlines.deadline(), t0 + 120ms + 60s);
    EXPECT_FALSE(deadlines.passed(t0 + 60s)); // counted from the connect, not the start
    EXPECT_TRUE(deadlines.passed(t0 + 120ms + 60s));
    const auto expiry = deadlines.expiry("");
    EXPECT_EQ(expiry.status, NodeStatus::timeout);
    EXPECT_EQ(expiry.reason, Reason::handshake_timeout);
    EXPECT_EQ(expiry.message, "key exchange and authentication took longer than 60.0s");
    EXPECT_FALSE(expiry.interrupts_step);
}

TEST(TransportPhaseDeadlines, WaitingForABastionGetsTheConnectAndHandshakeBudgetsTogether) {
    PhaseDeadlines deadlines = defaults();
    deadlines.start_link(t0);
    EXPECT_EQ(deadlines.phase(), Phase::link);
    EXPECT_EQ(deadlines.deadline(), t0 + 65s);
    const auto expiry = deadlines.expiry("ops@10.0.0.1:22");
    EXPECT_EQ(expiry.status, NodeStatus::unreachable);
    EXPECT_EQ(expiry.reason, Reason::jump_failed);
    EXPECT_EQ(expiry.message, "no tunnel through bastion ops@10.0.0.1:22 in time");
    EXPECT_FALSE(expiry.interrupts_step);
}

TEST(TransportPhaseDeadlines, AStepsOwnTimeoutWinsOverTheCommandTimeout) {
    PhaseDeadlines deadlines(5000ms, 60000ms, 30000ms);
    deadlines.start_command(t0, 0ms);
    EXPECT_EQ(deadlines.phase(), Phase::command);
    EXPECT_EQ(deadlines.deadline(), t0 + 30s);
    EXPECT_EQ(deadlines.expiry("").message, "command still running after 30.0s");

    deadlines.start_command(t0 + 2s, 1500ms); // the next step, with its own timeout
    EXPECT_EQ(deadlines.deadline(), t0 + 3500ms);
    const auto expiry = deadlines.expiry("");
    EXPECT_EQ(expiry.status, NodeStatus::timeout);
    EXPECT_EQ(expiry.reason, Reason::command_timeout);
    EXPECT_EQ(expiry.message, "command still running after 1.5s");
    EXPECT_TRUE(expiry.interrupts_step);
}

TEST(TransportPhaseDeadlines, AZeroTimeoutIsNoDeadline) {
    PhaseDeadlines none(0ms, 0ms, 0ms);
    const auto far = Clock::time_point::max() - 1h;
    none.start_connect(t0);
    EXPECT_FALSE(none.passed(far));
    none.start_link(t0);
    EXPECT_FALSE(none.passed(far));
    none.start_handshake(t0);
    EXPECT_FALSE(none.passed(far));
    none.start_command(t0, 0ms);
    EXPECT_EQ(none.deadline(), Clock::time_point::max());
    EXPECT_FALSE(none.passed(far));
}

TEST(TransportPhaseDeadlines, AnOpenBastionHasNoDeadlineAfterItsHandshake) {
    PhaseDeadlines deadlines = defaults();
    deadlines.start_handshake(t0);
    deadlines.stay_open(t0 + 1s);
    EXPECT_EQ(deadlines.phase(), Phase::open);
    EXPECT_EQ(deadlines.deadline(), Clock::time_point::max());
    EXPECT_FALSE(deadlines.passed(t0 + 1000h));
}
