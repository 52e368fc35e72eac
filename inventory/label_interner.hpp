#pragma once

#include "inventory/inventory.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Turns one node's labels, as a streamed load meets them, into interned ids in an inventory's
/// pools. Nodes repeat the same keys in the same order with few distinct values, so each label
/// is first compared with the key at its position in the previous node and with the last value
/// seen for its key; the pools are hashed only on a miss. Each distinct text is checked against
/// the Kubernetes label rules once, when first interned.
class LabelInterner {
public:
    /// The pools live in `inventory`, which must outlive the interner.
    explicit LabelInterner(Inventory& inventory) : m_inventory(inventory) {}

    /// Starts the labels of the next node.
    void start_node();

    /// Adds key=value to the node in hand; the error is the label rule broken.
    tl::expected<void, std::string> add(std::string_view key, std::string_view value);

    /// The node's labels sorted by key id in an exact-size vector (50,000 vectors grown by
    /// doubling would waste a third of their room); the error names a key given twice.
    tl::expected<std::vector<Label>, std::string> finish();

private:
    static constexpr std::uint32_t k_none = 0xFFFFFFFF;

    Inventory& m_inventory;
    std::vector<Label> m_labels;                // the node in hand, in file order
    std::vector<std::uint32_t> m_previous_keys; // key ids by position in the previous node
    std::vector<std::uint32_t> m_last_value;    // value id last seen, by key id
};

} // namespace breakglass::inventory
