#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::rollout {

// Our own generator and shuffle rather than std::shuffle / std::uniform_int_distribution, whose
// algorithms the C++ standard leaves to each library: a plan printed by `--dry-run` on one
// responder's machine must be the plan another machine runs with the same seed.

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose every output is fixed by the
/// seed. Not for secrets: it only spreads a rollout.
class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next();

    /// A number in [0, bound) without modulo bias (rejection); bound must be at least 1.
    std::uint64_t below(std::uint64_t bound);

private:
    std::uint64_t m_state;
};

/// Fisher-Yates over `items`, drawing from `random`.
template <typename T> void seeded_shuffle(std::vector<T>& items, SeededRandom& random) {
    for (std::size_t i = items.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(random.below(i));
        std::swap(items[i - 1], items[j]);
    }
}

/// The seed a run uses without `--seed`: FNV-1a (64-bit) over `purpose`, then each selected
/// node's name, each followed by a NUL byte. The caller passes as `purpose` what names the
/// change (the command and playbook, e.g. "daemonset freeze kube-system/agent"), so that a
/// `--dry-run` and the run that follows it plan the same waves, and a different change on the
/// same nodes starts elsewhere. The run header prints the seed so `--seed` can repeat a plan.
std::uint64_t derive_seed(std::string_view purpose, const std::vector<std::string>& node_names);

} // namespace breakglass::rollout
