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
/// pools. Nodes repeat the same keys in the same order with few distinct values, so each label
/// is first compared with the key at its position in the previous node and with the last few
/// values seen for its key (a zone, an instance type, an architecture take turns); the pools
/// are hashed only on a miss. Each distinct text is checked against the Kubernetes label rules
/// once, when first interned.
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
    tl::expected<void, std::string> finish(LabelList& labels);

private:
    static constexpr std::uint32_t k_none = 0xFFFFFFFF;
    // Values remembered per key, newest first.
    using RecentValues = std::array<std::uint32_t, 4>;
    static constexpr RecentValues k_no_values{k_none, k_none, k_none, k_none};

    Inventory& m_inventory;
    std::vector<Label> m_labels;                // the node in hand, in file order
    std::vector<std::uint32_t> m_previous_keys; // key ids by position in the previous node
    std::vector<RecentValues> m_recent_values;  // by key id
};

} // namespace breakglass::inventory
