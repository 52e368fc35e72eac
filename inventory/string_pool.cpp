#include "inventory/string_pool.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace breakglass::inventory {

namespace {

constexpr std::size_t k_block_size = std::size_t{64} * 1024;

} // namespace

// Eight bytes at a time with a multiply-xorshift mix: label texts are 2 to 60 bytes, and a
// byte-at-a-time hash (FNV-1a, before) was a visible share of loading 50,000 nodes.
std::uint32_t StringPool::hash(std::string_view text) {
    constexpr std::uint64_t k_multiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = text.size() * k_multiplier;
    const char* at = text.data();
    std::size_t left = text.size();
    const auto mix = [&hash](std::uint64_t word) {
        hash = (hash ^ word) * k_multiplier;
        hash ^= hash >> 29U;
    };
    for (; left >= 8; left -= 8, at += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, at, 8);
        mix(word);
    }
    if (left > 0) {
        std::uint64_t word = 0;
        std::memcpy(&word, at, left);
        mix(word);
    }
    hash *= k_multiplier;
    return static_cast<std::uint32_t>(hash >> 32U);
}

StringPool::StringPool(const StringPool& other) : m_slots(other.m_slots) {
    m_views.reserve(other.m_views.size());
    for (std::string_view text : other.m_views) {
        m_views.push_back(store(text));
    }
}

StringPool& StringPool::operator=(const StringPool& other) {
    if (this != &other) {
        StringPool copy(other);
        *this = std::move(copy);
    }
    return *this;
}

StringPool::StringPool(StringPool&& other) noexcept
    : m_blocks(std::move(other.m_blocks)), m_free(std::exchange(other.m_free, nullptr)),
      m_free_size(std::exchange(other.m_free_size, 0)), m_views(std::move(other.m_views)),
      m_slots(std::move(other.m_slots)) {
    other.m_blocks.clear();
    other.m_views.clear();
    other.m_slots.clear();
}

StringPool& StringPool::operator=(StringPool&& other) noexcept {
    if (this != &other) {
        m_blocks = std::move(other.m_blocks);
        m_free = std::exchange(other.m_free, nullptr);
        m_free_size = std::exchange(other.m_free_size, 0);
        m_views = std::move(other.m_views);
        m_slots = std::move(other.m_slots);
        other.m_blocks.clear();
        other.m_views.clear();
        other.m_slots.clear();
    }
    return *this;
}

std::string_view StringPool::store(std::string_view text) {
    if (text.size() > m_free_size) {
        if (text.size() > k_block_size / 4) {
            // A long text gets a block of its own, so the current block's rest stays in use.
            auto& block =
                m_blocks.emplace_back(std::make_unique_for_overwrite<char[]>(text.size()));
            std::memcpy(block.get(), text.data(), text.size());
            return {block.get(), text.size()};
        }
        m_free = m_blocks.emplace_back(std::make_unique_for_overwrite<char[]>(k_block_size)).get();
        m_free_size = k_block_size;
    }
    if (!text.empty()) {
        std::memcpy(m_free, text.data(), text.size());
    }
    const std::string_view stored(m_free, text.size());
    m_free += text.size();
    m_free_size -= text.size();
    return stored;
}

std::size_t StringPool::slot_of(std::string_view text, std::uint32_t hash) const {
    const std::size_t mask = m_slots.size() - 1;
    std::size_t at = hash & mask;
    while (true) {
        const Slot& slot = m_slots[at];
        if (slot.id_plus_one == 0 || (slot.hash == hash && m_views[slot.id_plus_one - 1] == text)) {
            return at;
        }
        at = (at + 1) & mask;
    }
}

void StringPool::reserve(std::size_t count) {
    if (count > m_views.capacity()) { // geometric, so reserving a little at a time stays linear
        m_views.reserve(std::max(count, m_views.capacity() * 2));
    }
    std::size_t slots = m_slots.empty() ? 64 : m_slots.size();
    while (slots < count * 2) {
        slots *= 2;
    }
    if (slots > m_slots.size()) {
        rehash(slots);
    }
}

void StringPool::grow() {
    rehash(m_slots.empty() ? 64 : m_slots.size() * 2);
}

void StringPool::rehash(std::size_t slots) {
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(slots, Slot{});
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

std::uint32_t StringPool::intern(std::string_view text, std::uint32_t text_hash) {
    // Kept at most half full so probes stay short.
    if ((m_views.size() + 1) * 2 > m_slots.size()) {
        grow();
    }
    Slot& slot = m_slots[slot_of(text, text_hash)];
    if (slot.id_plus_one == 0) {
        m_views.push_back(store(text));
        slot = {static_cast<std::uint32_t>(m_views.size()), text_hash};
    }
    return slot.id_plus_one - 1;
}

std::optional<std::uint32_t> StringPool::find(std::string_view text) const {
    if (m_slots.empty()) {
        return std::nullopt;
    }
    const Slot& slot = m_slots[slot_of(text, hash(text))];
    if (slot.id_plus_one == 0) {
        return std::nullopt;
    }
    return slot.id_plus_one - 1;
}

} // namespace breakglass::inventory
