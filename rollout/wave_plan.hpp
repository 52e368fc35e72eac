#pragma once

#include "rollout/limits_text.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace breakglass::rollout {

/// The label whose values the waves are spread across.
inline constexpr std::string_view k_zone_label = "topology.kubernetes.io/zone";

/// One selected node as the plan sees it: its name and its zone label's value (nullopt when
/// the node has no such label, or an empty one; those nodes are spread as one zone of their own).
struct PlanNode {
    std::string name;
    std::optional<std::string> zone;
};

/// What shapes a plan. `canary` 0 means no canary stage.
struct WaveSettings {
    std::uint64_t canary = k_default_canary;
    WaveSchedule schedule = default_wave_schedule();
    std::uint64_t seed = 0;
};

/// One stage of the rollout: the canary, or one wave of the schedule.
struct Wave {
    bool canary = false;
    std::size_t number = 0;         // 0 for the canary; the waves after it count from 1
    unsigned percent = 0;           // the schedule's cumulative percentage (0 for the canary)
    std::vector<std::size_t> nodes; // indices into the planned nodes, in the order they start
    std::size_t cumulative = 0;     // nodes in this stage and every stage before it
};

/// The stages in the order they run; every selected node is in exactly one of them.
struct WavePlan {
    std::uint64_t seed = 0;
    std::vector<Wave> waves;
};

/// The size of one stage of a plan.
struct StageSize {
    bool canary = false;
    unsigned percent = 0; // the schedule's cumulative percentage (0 for the canary)
    std::size_t size = 0;
};

/// How many nodes each stage gets, canary first (when there is one): the canary is
/// min(canary, total); wave i then reaches ceil(percent_i * total / 100) nodes in all, the
/// canary included, so it adds that minus what earlier stages hold; a wave that adds nothing
/// (its share is already covered) is dropped and its entry left out. Every stage kept has at
/// least one node and the sizes add up to `total`. E.g. 100 nodes with the defaults: 1, 4, 20,
/// 75; 7 nodes: 1, 1 (25% -> 2), 5 (5% -> 1 is dropped).
std::vector<StageSize> stage_sizes(std::size_t total, const WaveSettings& settings);

/// The order in which the nodes start, reproducible from `seed`: nodes are grouped by zone,
/// each group and the order of the groups shuffled; then one node of each zone comes first (so
/// the canary and the first wave span as many zones as they have nodes), and the rest follow
/// interleaved in proportion to each zone's size (so at every wave boundary each zone is about
/// as far along as the whole run). Returns indices into `nodes`.
std::vector<std::size_t> rollout_order(const std::vector<PlanNode>& nodes, std::uint64_t seed);

/// The plan: rollout_order() cut into stage_sizes(). Same nodes, settings and seed, same plan.
WavePlan plan_waves(const std::vector<PlanNode>& nodes, const WaveSettings& settings);

} // namespace breakglass::rollout
