#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace breakglass::drill {

// Percentiles by the nearest-rank method, the one most people expect: the p-th percentile of n
// samples is the ceil(p/100 * n)-th smallest, always a value that was measured (no
// interpolation). With 1 sample every percentile is that sample; with 100, p99 is the 99th.

/// p50, p95 and p99 of one measured phase, and the sum and count of its samples (what a
/// Prometheus summary carries besides its quantiles).
struct Percentiles {
    std::chrono::milliseconds p50{0};
    std::chrono::milliseconds p95{0};
    std::chrono::milliseconds p99{0};
    std::chrono::milliseconds sum{0};
    std::size_t count = 0;
};

/// The nearest-rank `percent` (1..100) of `sorted` (ascending, not empty).
std::chrono::milliseconds nearest_rank(const std::vector<std::chrono::milliseconds>& sorted,
                                       unsigned percent);

/// p50/p95/p99 of `samples` (any order); nullopt when there are none.
std::optional<Percentiles> percentiles_of(std::vector<std::chrono::milliseconds> samples);

/// Indices of the `count` largest of `times`, largest first; ties keep index order.
std::vector<std::size_t> slowest(const std::vector<std::chrono::milliseconds>& times,
                                 std::size_t count);

} // namespace breakglass::drill
