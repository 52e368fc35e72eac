#include "rollout/seed.hpp"

namespace breakglass::rollout {

std::uint64_t SeededRandom::next() {
    m_state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = m_state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t SeededRandom::below(std::uint64_t bound) {
    // Values from the top partial block of 2^64 would favour small results: draw again.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t value = next();
    while (value >= limit) {
        value = next();
    }
    return value % bound;
}

std::uint64_t derive_seed(std::string_view purpose, const std::vector<std::string>& node_names) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    const auto add = [&hash](std::string_view text) {
        for (char c : text) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 0x100000001b3ULL;
        }
        hash *= 0x100000001b3ULL; // the NUL terminator: "ab","c" differs from "a","bc"
    };
    add(purpose);
    for (const std::string& name : node_names) {
        add(name);
    }
    return hash;
}

} // namespace breakglass::rollout
