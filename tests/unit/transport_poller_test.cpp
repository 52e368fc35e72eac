#include "transport/poller.hpp"

#include <array>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::transport::Fd;
using breakglass::transport::Poller;
using breakglass::transport::WaitSet;
using namespace std::chrono_literals;

namespace {

std::array<Fd, 2> socket_pair() {
    std::array<int, 2> ends{-1, -1};
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends.data()), 0);
    return {Fd(ends[0]), Fd(ends[1])};
}

class TransportPoller : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_poller) << m_poller.error(); }

    tl::expected<Poller, std::string> m_poller = Poller::create();
    std::array<Fd, 2> m_pair = socket_pair();
    Fd& m_ours = m_pair[0];
    Fd& m_theirs = m_pair[1];
};

} // namespace

TEST_F(TransportPoller, ReportsTheTokenOfAReadableDescriptorOnlyWhileItIsReadable) {
    auto& poller = m_poller;
    Fd& ours = m_ours;
    Fd& theirs = m_theirs;
    WaitSet registered;
    ASSERT_TRUE(poller->update(7, registered, WaitSet{{ours.get(), false}, {}}));
    EXPECT_EQ(registered.socket.fd, ours.get());
    EXPECT_EQ(poller->wait(0ms), 0U);
    ASSERT_EQ(::write(theirs.get(), "x", 1), 1);
    ASSERT_EQ(poller->wait(1000ms), 1U);
    EXPECT_EQ(poller->token(0), 7U);
    char byte = 0;
    ASSERT_EQ(::read(ours.get(), &byte, 1), 1);
    EXPECT_EQ(poller->wait(0ms), 0U);
}

TEST_F(TransportPoller, WaitsForWritingOnlyWhenAsked) {
    auto& poller = m_poller;
    Fd& ours = m_ours;
    WaitSet registered;
    ASSERT_TRUE(poller->update(1, registered, WaitSet{{ours.get(), true}, {}}));
    EXPECT_EQ(poller->wait(0ms), 1U); // an idle socket is writable
    ASSERT_TRUE(poller->update(1, registered, WaitSet{{ours.get(), false}, {}}));
    EXPECT_FALSE(registered.socket.write);
    EXPECT_EQ(poller->wait(0ms), 0U);
}

TEST_F(TransportPoller, AClosedDescriptorLeavesTheSetAndItsNumberCanBeWatchedAgain) {
    auto& poller = m_poller;
    WaitSet old_owner;
    ASSERT_TRUE(poller->update(1, old_owner, WaitSet{{m_ours.get(), true}, {}}));
    const int number = m_ours.get();
    m_ours = Fd(); // closed by its owner, as libssh closes its socket on errors
    auto second = socket_pair();
    ASSERT_TRUE(second[0].get() == number || second[1].get() == number);
    Fd& reused = second[0].get() == number ? second[0] : second[1];
    WaitSet new_owner;
    ASSERT_TRUE(poller->update(2, new_owner, WaitSet{{reused.get(), true}, {}}));
    // The old owner forgets its descriptor: that must not remove the new owner's.
    ASSERT_TRUE(poller->update(1, old_owner, WaitSet{}));
    ASSERT_EQ(poller->wait(0ms), 1U);
    EXPECT_EQ(poller->token(0), 2U);
}
