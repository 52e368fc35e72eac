#include "inventory/string_pool.hpp"

namespace breakglass::inventory {

namespace {

// FNV-1a, folded to 32 bits: short label texts hash in a few nanoseconds.
std::uint32_t hash_text(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return static_cast<std::uint32_t>(hash ^ (hash >> 32U));
}

} // namespace

std::size_t StringPool::slot_of(std::string_view text, std::uint32_t hash) const {
    const std::size_t mask = m_slots.size() - 1;
    std::size_t at = hash & mask;
    while (true) {
        const Slot& slot = m_slots[at];
        if (slot.id_plus_one == 0 ||
            (slot.hash == hash && m_strings[slot.id_plus_one - 1] == text)) {
            return at;
        }
        at = (at + 1) & mask;
    }
}

void StringPool::grow() {
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    const std::size_t mask = m_slots.size() - 1;
    for (const Slot& slot : old) {
        if (slot.id_plus_one == 0) {
            continue;
        }
        std::size_t at = slot.hash & mask;
        while (m_slots[at].id_plus_one != 0) {
            at = (at + 1) & mask;
        }
        m_slots[at] = slot;
    }
}

std::uint32_t StringPool::intern(std::string_view text) {
    // Kept at most half full so probes stay short.
    if ((m_strings.size() + 1) * 2 > m_slots.size()) {
        grow();
    }
    const std::uint32_t hash = hash_text(text);
    Slot& slot = m_slots[slot_of(text, hash)];
    if (slot.id_plus_one == 0) {
        m_strings.emplace_back(text);
        slot = {static_cast<std::uint32_t>(m_strings.size()), hash};
    }
    return slot.id_plus_one - 1;
}

std::optional<std::uint32_t> StringPool::find(std::string_view text) const {
    if (m_slots.empty()) {
        return std::nullopt;
    }
    const Slot& slot = m_slots[slot_of(text, hash_text(text))];
    if (slot.id_plus_one == 0) {
        return std::nullopt;
    }
    return slot.id_plus_one - 1;
}

} // namespace breakglass::inventory
