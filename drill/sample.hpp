#pragma once

#include "rollout/wave_plan.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::drill {

/// `--sample N|P%`: how many of the selected nodes a drill reaches.
struct SampleSize {
    enum class Kind { count, percent };
    Kind kind = Kind::count;
    std::uint64_t value = 0; // nodes (at least 1), or percent 1..100
};

/// Parses `--sample` with the rollout's grammar for counts and shares (rollout/limits_text.hpp:
/// no sign, no leading zeros); 0 and 0% are refused (a drill of nothing proves nothing). The
/// error is one line quoting the text.
tl::expected<SampleSize, std::string> parse_sample(std::string_view text);

/// How many of `total` nodes a sample holds: N capped at total, or ceil(P% of total), and at
/// least 1 when total is not 0.
std::size_t sample_count(const SampleSize& size, std::size_t total);

/// The sampled nodes, as indices into `nodes` in ascending order: the first sample_count() of
/// the rollout's zone-spread order for `seed` (rollout::rollout_order), so a sample spans as
/// many zones as it has nodes and the same seed picks the same nodes. No `size`: every node.
std::vector<std::size_t> pick_sample(const std::vector<rollout::PlanNode>& nodes,
                                     const std::optional<SampleSize>& size, std::uint64_t seed);

} // namespace breakglass::drill
