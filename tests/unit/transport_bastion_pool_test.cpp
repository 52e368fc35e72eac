// The bastion pool, the one owner of bastion state, under a fake clock. No network: the first
// hop is a loopback listener this test owns that never speaks SSH, so bastions never come up;
// hops behind it are never dialled (they would be tunnelled through it).
#include "tests/unit/support/loopback_peer.hpp"
#include "transport/bastion_pool.hpp"

#include <poll.h>

#include <gtest/gtest.h>

using breakglass::transport::Bastion;
using breakglass::transport::BastionPool;
using breakglass::transport::BecomeMethod;
using breakglass::transport::Clock;
using breakglass::transport::describe;
using breakglass::transport::JobStep;
using breakglass::transport::JumpHost;
using breakglass::transport::NodeJob;
using breakglass::transport::NodeSession;
using breakglass::transport::NodeStatus;
using breakglass::transport::NodeTarget;
using breakglass::transport::Poller;
using breakglass::transport::Reason;
using breakglass::transport::SessionSettings;
using breakglass::transport::should_reconnect;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1000h;

class TransportBastionPool : public ::testing::Test {
protected:
    // Listening but never accepting: connects complete, the handshake never does.
    breakglass::testing::LoopbackPeer m_listener{true};
    JumpHost m_first{"ops", "127.0.0.1", m_listener.port};
    JumpHost m_second{"", "127.0.0.2", 22};
    JumpHost m_other{"", "127.0.0.3", 2222};
    SessionSettings m_settings; // 5 s connect, 60 s handshake
};

} // namespace

TEST_F(TransportBastionPool, SharesOneConnectionPerChainPrefixParentsBeforeChildren) {
    BastionPool pool(m_settings, 8);
    Bastion* second = pool.get({m_first, m_second}, 2, "core", t0);
    Bastion* other = pool.get({m_first, m_other}, 2, "root", t0);
    Bastion* first = pool.get({m_first}, 1, "someone", t0);
    EXPECT_EQ(pool.get({m_first, m_second}, 2, "core", t0), second);
    EXPECT_EQ(pool.get({m_first}, 0, "core", t0), nullptr);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(pool.all(), (std::vector<Bastion*>{first, second, other}));
    EXPECT_EQ(second->parent(), first);
    EXPECT_EQ(first->parent(), nullptr);
    EXPECT_EQ(second->chain(), describe(std::vector<JumpHost>{m_first, m_second}, 2));
    // The hop's own user, else the first node's that needed the hop.
    EXPECT_EQ(first->user(), "ops");
    EXPECT_EQ(second->user(), "core");
    EXPECT_EQ(other->user(), "root");
    // The first hop dials; the others wait for a tunnel through it.
    ASSERT_NE(first->session(), nullptr);
    EXPECT_FALSE(first->session()->linking());
    EXPECT_EQ(first->session()->target().user, "ops");
    ASSERT_NE(second->session(), nullptr);
    EXPECT_TRUE(second->session()->linking());
    EXPECT_EQ(second->session()->via(), first);
    EXPECT_TRUE(BastionPool::behind(second, first));
    EXPECT_TRUE(BastionPool::behind(first, first));
    EXPECT_FALSE(BastionPool::behind(first, second));
    EXPECT_FALSE(BastionPool::behind(other, second));
}

TEST_F(TransportBastionPool, NoChannelIsHandedOutBeforeTheBastionIsUp) {
    BastionPool pool(m_settings, 8);
    Bastion* first = pool.get({m_first}, 1, "core", t0);
    EXPECT_FALSE(first->can_open_channel());
    EXPECT_EQ(first->channels(), 0);
    EXPECT_FALSE(first->failed());
    EXPECT_FALSE(first->connection_lost());
}

TEST_F(TransportBastionPool, ItsSocketsReadinessReachesItThroughItsTokenAndStepsIt) {
    auto poller = Poller::create();
    ASSERT_TRUE(poller) << poller.error();
    BastionPool pool(m_settings, 8);
    Bastion* first = pool.get({m_first}, 1, "core", t0);
    pool.watch(*poller, t0); // connecting: waits for writability
    ASSERT_EQ(poller->wait(10s), 1U);
    ASSERT_TRUE(BastionPool::is_bastion_token(poller->token(0)));
    pool.socket_ready(poller->token(0));
    EXPECT_EQ(pool.next_timer(), t0 + 5s);
    pool.step(t0 + 30ms); // connected: the handshake deadline starts at the given time
    EXPECT_TRUE(pool.stirred(*first));
    EXPECT_EQ(pool.next_timer(), t0 + 30ms + 60s);
    pool.end_wakeup();
    EXPECT_FALSE(pool.stirred(*first));
}

TEST_F(TransportBastionPool, ABastionThatNeverCameUpFailsForGoodAndTakesEverythingBehindIt) {
    BastionPool pool(m_settings, 8);
    Bastion* second = pool.get({m_first, m_second}, 2, "core", t0);
    Bastion* first = pool.all().front();
    NodeJob job;
    job.steps.push_back(JobStep{"exec", "true", 0ms, false});
    NodeTarget target{"node-1",           "10.0.0.9",          22,     "core", {},
                      BecomeMethod::none, {m_first, m_second}, nullptr};
    NodeSession node(0, target, job, m_settings, t0, second);

    std::vector<std::string> ended_behind;
    const auto end_nodes = [&](const Bastion& dropped, const std::string& message) {
        ended_behind.push_back(dropped.chain() + ": " + message);
    };
    const auto wake_up = [&](Clock::time_point now) {
        pool.step(now);
        pool.settle_dropped(now, end_nodes);
        node.step(now);
        pool.end_wakeup();
    };

    wake_up(t0 + 4s);
    EXPECT_FALSE(first->failed());
    EXPECT_TRUE(ended_behind.empty());

    wake_up(t0 + 5s); // the first hop's connect deadline
    EXPECT_TRUE(first->failed());
    EXPECT_EQ(first->failure(), "unreachable (connect-timeout): no TCP connection within 5.0s");
    EXPECT_EQ(first->session(), nullptr); // never up: not re-established
    EXPECT_EQ(ended_behind, (std::vector<std::string>{first->chain() + ": connection to bastion " +
                                                      describe(m_first) + " lost"}));

    wake_up(t0 + 5s); // the second hop learns it, then the node behind it
    EXPECT_TRUE(second->failed());
    EXPECT_EQ(second->failure(),
              "unreachable (jump-failed): bastion " + describe(m_first) + ": " + first->failure());
    ASSERT_TRUE(node.done());
    auto result = node.take_result();
    EXPECT_EQ(result.status, NodeStatus::unreachable);
    EXPECT_EQ(result.reason, Reason::jump_failed);
    EXPECT_EQ(result.message, "bastion " + describe(m_second) + ": " + second->failure());
    EXPECT_EQ(result.timings.total, 5000ms);
    EXPECT_EQ(pool.next_timer(), Clock::time_point::max()); // nothing left to wait for
}

TEST(TransportBastionReconnect, ADroppedBastionIsReestablishedOnceAndOnlyIfItHadBeenUp) {
    EXPECT_TRUE(should_reconnect(true, 1, false));
    EXPECT_FALSE(should_reconnect(false, 1, false)); // refused or never reached: not retried
    EXPECT_FALSE(should_reconnect(true, 0, false));  // once only
    EXPECT_FALSE(should_reconnect(true, 1, true));   // the hop before it failed for good
}
