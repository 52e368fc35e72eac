#pragma once

#include "transport/node_result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace breakglass::transport {

/// Keeps the last `cap` bytes of a stream: a node that floods output costs at most `cap`.
class OutputTail {
public:
    explicit OutputTail(std::size_t cap) : m_cap(cap) {}

    void append(std::string_view data);
    /// The kept tail in order, with totals.
    CapturedOutput take();

private:
    std::size_t m_cap;
    std::string m_ring;      // grows to m_cap, then wraps
    std::size_t m_start = 0; // oldest byte once wrapped
    std::uint64_t m_total = 0;
};

} // namespace breakglass::transport
