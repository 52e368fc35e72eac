#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace breakglass::transport {

/// The sessions' phase deadlines as a min-heap, so finding the nearest one and the expired ones
/// costs O(log n) per timer instead of a scan of every session per wake-up. Entries are never
/// removed in place: each carries the stamp its owner had when it was scheduled, and an entry
/// whose owner has moved on (new deadline, or the slot reused) is dropped when it surfaces.
class TimerQueue {
public:
    using Clock = std::chrono::steady_clock;

    /// Adds `slot`'s deadline `at`, valid while the slot's stamp stays `stamp`.
    void schedule(std::size_t slot, std::uint64_t stamp, Clock::time_point at);

    /// The nearest deadline, after dropping stale entries at the top (`current(slot, stamp)`
    /// says whether an entry is still valid); Clock::time_point::max() when none is left.
    template <class Current> Clock::time_point next(const Current& current) {
        drop_stale(current);
        return m_heap.empty() ? Clock::time_point::max() : m_heap.front().at;
    }

    /// Removes every valid entry due at `now` and calls `expired(slot)` for each.
    template <class Current, class Expired>
    void pop_due(Clock::time_point now, const Current& current, const Expired& expired) {
        for (drop_stale(current); !m_heap.empty() && m_heap.front().at <= now;
             drop_stale(current)) {
            const std::size_t slot = m_heap.front().slot;
            pop();
            expired(slot);
        }
    }

    std::size_t size() const { return m_heap.size(); }
    void clear() { m_heap.clear(); }

private:
    struct Entry {
        Clock::time_point at;
        std::size_t slot;
        std::uint64_t stamp;
    };

    template <class Current> void drop_stale(const Current& current) {
        while (!m_heap.empty() && !current(m_heap.front().slot, m_heap.front().stamp)) {
            pop();
        }
    }
    void pop();

    std::vector<Entry> m_heap;
};

} // namespace breakglass::transport
