#include "transport/timer_queue.hpp"

#include <algorithm>

namespace breakglass::transport {

namespace {

// std::push_heap builds a max-heap: invert the order so the nearest deadline is on top.
constexpr auto k_later = [](const auto& a, const auto& b) { return a.at > b.at; };

} // namespace

void TimerQueue::schedule(std::size_t slot, std::uint64_t stamp, Clock::time_point at) {
    m_heap.push_back({at, slot, stamp});
    std::push_heap(m_heap.begin(), m_heap.end(), k_later);
}

void TimerQueue::pop() {
    std::pop_heap(m_heap.begin(), m_heap.end(), k_later);
    m_heap.pop_back();
}

} // namespace breakglass::transport
