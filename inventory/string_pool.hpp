#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace breakglass::inventory {

/// Interns strings (label keys and values) so that 50,000 nodes sharing a few hundred distinct
/// labels store each text once and compare labels as integers.
class StringPool {
public:
    StringPool() = default;
    // A copy stores the texts again: its views must not point into the original's blocks.
    StringPool(const StringPool& other);
    StringPool& operator=(const StringPool& other);
    StringPool(StringPool&& other) noexcept;
    StringPool& operator=(StringPool&& other) noexcept;
    ~StringPool() = default;

    /// The id of `text`, adding it on first sight. Ids are dense, starting at 0.
    std::uint32_t intern(std::string_view text) { return intern(text, hash(text)); }
    /// The same, for a caller that already has the text's hash().
    std::uint32_t intern(std::string_view text, std::uint32_t text_hash);

    /// The hash the pool files `text` under (a caller may cache lookups by it).
    static std::uint32_t hash(std::string_view text);

    /// Room for `count` texts without growing the table (for a pool filled from a known list).
    void reserve(std::size_t count);

    /// The id of `text` if it was ever interned; never adds.
    std::optional<std::uint32_t> find(std::string_view text) const;

    /// The text of an id returned by intern(); the view lives as long as the pool.
    std::string_view view(std::uint32_t id) const { return m_views[id]; }

    std::size_t size() const { return m_views.size(); }

private:
    // Open addressing over ids, with each slot's hash kept beside it: loading 50,000 nodes
    // does about a million lookups, and a node-based map's pointer chasing dominated them.
    struct Slot {
        std::uint32_t id_plus_one = 0; // 0: empty
        std::uint32_t hash = 0;
    };
    std::size_t slot_of(std::string_view text, std::uint32_t hash) const;
    void grow();
    void rehash(std::size_t slots);
    std::string_view store(std::string_view text);

    // The texts live in blocks that never move (a vector of views can grow freely), packed
    // together rather than one allocation each: 50,000 node names as label values were 50,000
    // small allocations and a deque's index arithmetic on every lookup.
    std::vector<std::unique_ptr<char[]>> m_blocks;
    char* m_free = nullptr; // the unused rest of the last block
    std::size_t m_free_size = 0;
    std::vector<std::string_view> m_views;
    std::vector<Slot> m_slots;
};

} // namespace breakglass::inventory
