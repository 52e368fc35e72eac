#include "drill/sample.hpp"

#include "rollout/limits_text.hpp"

#include <algorithm>
#include <numeric>

namespace breakglass::drill {

tl::expected<SampleSize, std::string> parse_sample(std::string_view text) {
    // --max-failures has the same grammar (count or percent 0..100); only 0 means nothing here.
    auto parsed = rollout::parse_max_failures(text);
    if (!parsed) {
        return tl::unexpected(parsed.error().message);
    }
    if (parsed->value == 0) {
        return tl::unexpected("a sample of '" + std::string(text) +
                              "' reaches no node: give at least 1 or 1%");
    }
    const bool percent = parsed->kind == rollout::FailureLimit::Kind::percent;
    return SampleSize{percent ? SampleSize::Kind::percent : SampleSize::Kind::count, parsed->value};
}

std::size_t sample_count(const SampleSize& size, std::size_t total) {
    if (total == 0) {
        return 0;
    }
    std::uint64_t count = size.value;
    if (size.kind == SampleSize::Kind::percent) {
        count = (size.value * total + 99) / 100;
    }
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(count, 1, total));
}

std::vector<std::size_t> pick_sample(const std::vector<rollout::PlanNode>& nodes,
                                     const std::optional<SampleSize>& size, std::uint64_t seed) {
    if (!size) {
        std::vector<std::size_t> all(nodes.size());
        std::iota(all.begin(), all.end(), std::size_t{0});
        return all;
    }
    std::vector<std::size_t> order = rollout::rollout_order(nodes, seed);
    order.resize(sample_count(*size, nodes.size()));
    std::sort(order.begin(), order.end());
    return order;
}

} // namespace breakglass::drill
