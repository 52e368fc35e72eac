#include "transport/timer_queue.hpp"

#include <map>
#include <vector>

#include <gtest/gtest.h>

using breakglass::transport::TimerQueue;
using namespace std::chrono_literals;

namespace {

struct Owners {
    std::map<std::size_t, std::uint64_t> stamps; // slot -> current stamp
    bool current(std::size_t slot, std::uint64_t stamp) const {
        auto found = stamps.find(slot);
        return found != stamps.end() && found->second == stamp;
    }
};

} // namespace

TEST(TransportTimerQueue, ExpiresDueEntriesNearestFirst) {
    const auto t0 = TimerQueue::Clock::now();
    TimerQueue timers;
    Owners owners{{{0, 1}, {1, 1}, {2, 1}}};
    auto current = [&](std::size_t slot, std::uint64_t stamp) {
        return owners.current(slot, stamp);
    };
    timers.schedule(0, 1, t0 + 30ms);
    timers.schedule(1, 1, t0 + 10ms);
    timers.schedule(2, 1, t0 + 20ms);
    EXPECT_EQ(timers.next(current), t0 + 10ms);
    std::vector<std::size_t> expired;
    timers.pop_due(t0 + 20ms, current, [&](std::size_t slot) { expired.push_back(slot); });
    EXPECT_EQ(expired, (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(timers.next(current), t0 + 30ms);
}

TEST(TransportTimerQueue, ReplacedDeadlinesAndReusedSlotsAreSkipped) {
    const auto t0 = TimerQueue::Clock::now();
    TimerQueue timers;
    Owners owners{{{0, 1}, {1, 1}}};
    auto current = [&](std::size_t slot, std::uint64_t stamp) {
        return owners.current(slot, stamp);
    };
    timers.schedule(0, 1, t0 + 10ms);
    timers.schedule(1, 1, t0 + 20ms);
    owners.stamps[0] = 2; // slot 0 moved to a later phase deadline
    timers.schedule(0, 2, t0 + 50ms);
    owners.stamps.erase(1); // slot 1's session ended
    EXPECT_EQ(timers.next(current), t0 + 50ms);
    std::vector<std::size_t> expired;
    timers.pop_due(t0 + 40ms, current, [&](std::size_t slot) { expired.push_back(slot); });
    EXPECT_TRUE(expired.empty());
    timers.pop_due(t0 + 50ms, current, [&](std::size_t slot) { expired.push_back(slot); });
    EXPECT_EQ(expired, (std::vector<std::size_t>{0}));
    EXPECT_EQ(timers.next(current), TimerQueue::Clock::time_point::max());
    EXPECT_EQ(timers.size(), 0U);
}
