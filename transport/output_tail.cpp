#include "transport/output_tail.hpp"

namespace breakglass::transport {

void OutputTail::append(std::string_view data) {
    m_total += data.size();
    if (m_cap == 0) {
        return;
    }
    if (data.size() >= m_cap) {
        m_ring.assign(data.substr(data.size() - m_cap));
        m_start = 0;
        return;
    }
    if (m_ring.size() < m_cap) {
        std::size_t fits = std::min(m_cap - m_ring.size(), data.size());
        m_ring.append(data.substr(0, fits));
        data.remove_prefix(fits);
    }
    // Full: overwrite the oldest bytes in place, never reallocating.
    for (char c : data) {
        m_ring[m_start] = c;
        m_start = (m_start + 1) % m_cap;
    }
}

CapturedOutput OutputTail::take() {
    CapturedOutput captured;
    captured.total_bytes = m_total;
    captured.tail = m_ring.substr(m_start) + m_ring.substr(0, m_start);
    captured.dropped_bytes = m_total - captured.tail.size();
    m_ring.clear();
    m_start = 0;
    m_total = 0;
    return captured;
}

} // namespace breakglass::transport
