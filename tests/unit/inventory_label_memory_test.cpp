// A loaded cache keeps its nodes' label lists in memory the Inventory owns, and the interner
// remembers a few recent values per key. These check what that must not change: every node
// reads back its own labels whatever order and values it uses, and copies and moves of an
// inventory stay valid after the original is gone (ASan catches a dangling list).
#include "inventory/inventory_loader.hpp"

#include <algorithm>
#include <memory>
#include <memory_resource>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

// 300 nodes: keys listed in an order that changes every node, a zone cycling through 7 values
// (more than the interner remembers), a unique value, and an empty one.
std::string document() {
    std::string text =
        R"({"schema_version": 1, "cluster": "c", "captured_at": "2026-11-24T08:00:00Z", "nodes": [)";
    for (int i = 0; i < 300; ++i) {
        const std::string n = std::to_string(i);
        std::vector<std::string> labels{
            R"("zone": "z)" + std::to_string(i % 7) + "\"", R"("host": "h)" + n + "\"",
            R"("role/worker": "")", R"("parity": ")" + std::string(i % 2 ? "odd" : "even") + "\""};
        std::rotate(labels.begin(), labels.begin() + (i % 4), labels.end());
        text += std::string(i ? "," : "") + R"({"name": "n)" + n +
                R"(", "address": "10.0.0.1", "labels": {)";
        for (std::size_t l = 0; l < labels.size(); ++l) {
            text += (l ? "," : "") + labels[l];
        }
        text += "}}";
    }
    return text + "]}";
}

void expect_labels(const Inventory& inventory) {
    ASSERT_EQ(inventory.nodes.size(), 300U);
    for (int i = 0; i < 300; ++i) {
        const Node& node = inventory.nodes[static_cast<std::size_t>(i)];
        EXPECT_EQ(inventory.label(node, "zone"), "z" + std::to_string(i % 7)) << i;
        EXPECT_EQ(inventory.label(node, "host"), "h" + std::to_string(i)) << i;
        EXPECT_EQ(inventory.label(node, "role/worker"), "") << i;
        EXPECT_EQ(inventory.label(node, "parity"), i % 2 ? "odd" : "even") << i;
        EXPECT_EQ(inventory.label(node, "absent"), std::nullopt);
        EXPECT_EQ(node.labels.size(), 4U);
        EXPECT_TRUE(std::is_sorted(node.labels.begin(), node.labels.end(),
                                   [](const Label& a, const Label& b) { return a.key < b.key; }));
    }
}

} // namespace

TEST(InventoryLabelMemory, EveryNodeReadsBackItsOwnLabels) {
    auto loaded = parse_inventory(document());
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    expect_labels(*loaded);
    EXPECT_EQ(loaded->label_values.size(), 7U + 300U + 1U + 2U); // each text stored once
}

TEST(InventoryLabelMemory, CopiesAndMovesOutliveTheOriginal) {
    auto loaded = std::make_unique<Inventory>(parse_inventory(document()).value());
    Inventory copy = *loaded;
    Inventory moved = std::move(*loaded);
    loaded.reset();
    expect_labels(copy);
    expect_labels(moved);
    // A copy's lists are its own (on the heap), not in the loaded inventory's memory.
    EXPECT_EQ(copy.nodes[0].labels.get_allocator().resource(), std::pmr::get_default_resource());
    // Labels set in code on a loaded inventory's node go to that node's memory and read back.
    moved.set_label(moved.nodes[5], "added", "yes");
    EXPECT_EQ(moved.label(moved.nodes[5], "added"), "yes");
    EXPECT_EQ(moved.label(moved.nodes[5], "zone"), "z5");
}
