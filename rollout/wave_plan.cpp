#include "rollout/wave_plan.hpp"

#include "rollout/seed.hpp"

#include <algorithm>
#include <map>

namespace breakglass::rollout {

namespace {

// ceil(percent * total / 100) without floating point; total is at most a fleet's size, so the
// product cannot overflow 64 bits.
std::size_t share_of(unsigned percent, std::size_t total) {
    const std::uint64_t product = std::uint64_t{percent} * total;
    return static_cast<std::size_t>((product + 99) / 100);
}

// A node after the zone leaders, placed at the fraction (2j+1)/(2n) of its zone's run: the
// middle of its slot when the zone's n remaining nodes are spread evenly over the rollout.
struct Slot {
    std::uint64_t numerator = 0;   // 2j+1
    std::uint64_t denominator = 0; // 2n
    std::size_t zone_rank = 0;     // tie-break: the zones' shuffled order
    std::size_t node = 0;
};

bool earlier(const Slot& a, const Slot& b) {
    const std::uint64_t left = a.numerator * b.denominator;
    const std::uint64_t right = b.numerator * a.denominator;
    if (left != right) {
        return left < right;
    }
    return a.zone_rank < b.zone_rank;
}

} // namespace

std::vector<StageSize> stage_sizes(std::size_t total, const WaveSettings& settings) {
    std::vector<StageSize> sizes;
    auto planned = static_cast<std::size_t>(std::min<std::uint64_t>(settings.canary, total));
    if (planned > 0) {
        sizes.push_back({true, 0, planned});
    }
    for (unsigned percent : settings.schedule.percents) {
        const std::size_t target = std::min(share_of(percent, total), total);
        if (target > planned) {
            sizes.push_back({false, percent, target - planned});
            planned = target;
        }
    }
    return sizes;
}

std::vector<std::size_t> rollout_order(const std::vector<PlanNode>& nodes, std::uint64_t seed) {
    // Zones keyed by name (nodes without one under nullopt), so the grouping does not depend on
    // which zone the inventory lists first; members stay in inventory order until shuffled.
    std::map<std::optional<std::string>, std::vector<std::size_t>> by_zone;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto& zone = nodes[i].zone;
        by_zone[zone && !zone->empty() ? zone : std::nullopt].push_back(i);
    }
    SeededRandom random(seed);
    std::vector<std::vector<std::size_t>> zones;
    zones.reserve(by_zone.size());
    for (auto& [name, members] : by_zone) {
        seeded_shuffle(members, random);
        zones.push_back(std::move(members));
    }
    seeded_shuffle(zones, random);

    std::vector<std::size_t> order;
    order.reserve(nodes.size());
    std::vector<Slot> rest;
    rest.reserve(nodes.size());
    for (std::size_t rank = 0; rank < zones.size(); ++rank) {
        const std::vector<std::size_t>& members = zones[rank];
        order.push_back(members.front());
        const std::uint64_t remaining = members.size() - 1;
        for (std::size_t j = 1; j < members.size(); ++j) {
            rest.push_back({2 * std::uint64_t{j - 1} + 1, 2 * remaining, rank, members[j]});
        }
    }
    std::sort(rest.begin(), rest.end(), earlier);
    for (const Slot& slot : rest) {
        order.push_back(slot.node);
    }
    return order;
}

WavePlan plan_waves(const std::vector<PlanNode>& nodes, const WaveSettings& settings) {
    WavePlan plan;
    plan.seed = settings.seed;
    const std::vector<std::size_t> order = rollout_order(nodes, settings.seed);
    std::size_t next = 0;
    std::size_t waves = 0;
    for (const StageSize& stage : stage_sizes(nodes.size(), settings)) {
        Wave wave;
        wave.canary = stage.canary;
        wave.number = stage.canary ? 0 : ++waves;
        wave.percent = stage.percent;
        const auto from = order.begin() + static_cast<std::ptrdiff_t>(next);
        wave.nodes.assign(from, from + static_cast<std::ptrdiff_t>(stage.size));
        next += stage.size;
        wave.cumulative = next;
        plan.waves.push_back(std::move(wave));
    }
    return plan;
}

} // namespace breakglass::rollout
