#include "drill/percentiles.hpp"

#include <algorithm>
#include <numeric>

namespace breakglass::drill {

std::chrono::milliseconds nearest_rank(const std::vector<std::chrono::milliseconds>& sorted,
                                       unsigned percent) {
    // ceil(percent * n / 100) in integers, at least rank 1.
    const std::size_t rank = std::max<std::size_t>(1, (percent * sorted.size() + 99) / 100);
    return sorted[std::min(rank, sorted.size()) - 1];
}

std::optional<Percentiles> percentiles_of(std::vector<std::chrono::milliseconds> samples) {
    if (samples.empty()) {
        return std::nullopt;
    }
    std::sort(samples.begin(), samples.end());
    return Percentiles{
        nearest_rank(samples, 50), nearest_rank(samples, 95), nearest_rank(samples, 99),
        std::accumulate(samples.begin(), samples.end(), std::chrono::milliseconds(0)),
        samples.size()};
}

std::vector<std::size_t> slowest(const std::vector<std::chrono::milliseconds>& times,
                                 std::size_t count) {
    std::vector<std::size_t> order(times.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return times[a] > times[b]; });
    order.resize(std::min(count, order.size()));
    return order;
}

} // namespace breakglass::drill
