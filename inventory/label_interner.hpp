#pragma once

#include "inventory/inventory.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Turns one node's labels, as a streamed load meets them, into interned ids in an inventory's
/// pools. Nodes repeat the same keys in the same order with few distinct values, so each key is
/// first compared with the key at its position in the previous node, and each value with the
/// last value of its key, then looked up in a small cache of recent values; the pools are
/// searched only on a miss. A value is checked against the Kubernetes label rules whenever it
/// misses the caches (every text in the pool passed those rules, so a repeat check agrees).
class LabelInterner {
public:
    /// The pools live in `inventory`, which must outlive the interner.
    explicit LabelInterner(Inventory& inventory) : m_inventory(inventory) {}

    /// Starts the labels of the next node.
    void start_node();

    /// Adds key=value to the node in hand; the error is the label rule broken.
    tl::expected<void, std::string> add(std::string_view key, std::string_view value);

    /// add() in two steps, for a reader whose key text does not outlive the value's event: the
    /// key's id (the key checked and interned on first sight), then the value under that id.
    tl::expected<std::uint32_t, std::string> key_id(std::string_view key);
    tl::expected<void, std::string> add_value(std::uint32_t key_id, std::string_view value);

    /// Puts the node's labels into `labels` (empty), sorted by key id and exactly sized (50,000
    /// lists grown by doubling would waste a third of their room); the error names a key given
    /// twice.
    tl::expected<void, std::string> finish(std::vector<Label>& labels);

private:
    static constexpr std::uint32_t k_none = 0xFFFFFFFF;
    // Values looked up recently, by hash and whatever their key: a value's id does not depend
    // on its key, and a fixed table keeps the few dozen values a zone or a node group takes in
    // L1 instead of a trip into a pool that also holds 50,000 host names. Fixed, so that a
    // file with a new key on every node costs no more per key than the key's last value.
    struct RecentValue {
        std::uint32_t hash = 0;
        std::uint32_t id = k_none;
    };
    static constexpr std::size_t k_recent_values = 1024;

    Inventory& m_inventory;
    std::vector<Label> m_labels;                // the node in hand, in file order
    std::vector<std::uint32_t> m_previous_keys; // key ids by position in the previous node
    std::vector<std::uint32_t> m_last_value;    // value id last seen, by key id
    std::array<RecentValue, k_recent_values> m_recent{};
};

} // namespace breakglass::inventory
