#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::inventory {

/// Interns strings (label keys and values) so that 50,000 nodes sharing a few hundred distinct
/// labels store each text once and compare labels as integers.
class StringPool {
public:
    /// The id of `text`, adding it on first sight. Ids are dense, starting at 0.
    std::uint32_t intern(std::string_view text);

    /// The id of `text` if it was ever interned; never adds.
    std::optional<std::uint32_t> find(std::string_view text) const;

    /// The text of an id returned by intern(); the view lives as long as the pool.
    std::string_view view(std::uint32_t id) const { return m_strings[id]; }

    std::size_t size() const { return m_strings.size(); }

private:
    // Open addressing over ids, with each slot's hash kept beside it: loading 50,000 nodes
    // does about a million lookups, and a node-based map's pointer chasing dominated them.
    struct Slot {
        std::uint32_t id_plus_one = 0; // 0: empty
        std::uint32_t hash = 0;
    };
    std::size_t slot_of(std::string_view text, std::uint32_t hash) const;
    void grow();

    std::deque<std::string> m_strings; // a deque never moves its elements, so views stay valid
    std::vector<Slot> m_slots;
};

} // namespace breakglass::inventory
