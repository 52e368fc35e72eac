// The interner compares each key with the one at its position in the previous node and looks
// each value up in a small per-key cache before the pools. These check what that must not
// change: every node reads back its own labels whatever order and values it uses, each text is
// stored once, and a copy of a loaded inventory stands on its own.
#include "inventory/inventory_loader.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

// 300 nodes: keys listed in an order that changes every node, a zone cycling through 7 values, a
// group through 100, a unique value, and an empty one.
std::string document() {
    std::string text =
        R"({"schema_version": 1, "cluster": "c", "captured_at": "2026-11-24T08:00:00Z", "nodes": [)";
    for (int i = 0; i < 300; ++i) {
        const std::string n = std::to_string(i);
        std::vector<std::string> labels{
            R"("zone": "z)" + std::to_string(i % 7) + "\"", R"("host": "h)" + n + "\"",
            R"("role/worker": "")", R"("parity": ")" + std::string(i % 2 ? "odd" : "even") + "\"",
            R"("group": "g)" + std::to_string(i * 37 % 100) + "\""};
        std::rotate(labels.begin(), labels.begin() + (i % 5), labels.end());
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
        EXPECT_EQ(inventory.label(node, "group"), "g" + std::to_string(i * 37 % 100)) << i;
        EXPECT_EQ(inventory.label(node, "absent"), std::nullopt);
        EXPECT_EQ(node.labels.size(), 5U);
        EXPECT_TRUE(std::is_sorted(node.labels.begin(), node.labels.end(),
                                   [](const Label& a, const Label& b) { return a.key < b.key; }));
    }
}

} // namespace

TEST(InventoryLabelInterner, EveryNodeReadsBackItsOwnLabels) {
    auto loaded = parse_inventory(document());
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    expect_labels(*loaded);
    EXPECT_EQ(loaded->label_values.size(), 7U + 300U + 1U + 2U + 100U); // each text once
}

TEST(InventoryLabelInterner, CopiesAndMovesOutliveTheOriginal) {
    auto loaded = std::make_unique<Inventory>(parse_inventory(document()).value());
    Inventory copy = *loaded;
    Inventory moved = std::move(*loaded);
    loaded.reset();
    expect_labels(copy);
    expect_labels(moved);
    // Labels set in code on a loaded inventory's node read back beside the loaded ones.
    moved.set_label(moved.nodes[5], "added", "yes");
    EXPECT_EQ(moved.label(moved.nodes[5], "added"), "yes");
    EXPECT_EQ(moved.label(moved.nodes[5], "zone"), "z5");
}

// A key the interner has not seen on the node before (here a new key on every node, as a
// hostile or unusual file may have) is found or checked and interned like any other, and
// values seen under one key are recognised under another; 1,500 values are more than the
// recent-values table holds, so its entries are replaced as the load goes.
TEST(InventoryLabelInterner, ANewKeyOnEveryNodeReadsBackToo) {
    std::string text =
        R"({"schema_version": 1, "cluster": "c", "captured_at": "2026-11-24T08:00:00Z", "nodes": [)";
    for (int i = 0; i < 3000; ++i) {
        const std::string n = std::to_string(i);
        text += std::string(i ? "," : "") + R"({"name": "n)" + n +
                R"(", "address": "10.0.0.1", "labels": {"own.example/k)" + n + R"(": "v)" +
                std::to_string(i % 1500) + R"(", "zone": "v)" + std::to_string(i % 3) + R"("}})";
    }
    auto loaded = parse_inventory(text + "]}");
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    for (int i = 0; i < 3000; ++i) {
        const Node& node = loaded->nodes[static_cast<std::size_t>(i)];
        EXPECT_EQ(loaded->label(node, "own.example/k" + std::to_string(i)),
                  "v" + std::to_string(i % 1500));
        EXPECT_EQ(loaded->label(node, "zone"), "v" + std::to_string(i % 3));
    }
    EXPECT_EQ(loaded->label_keys.size(), 3001U);
    EXPECT_EQ(loaded->label_values.size(), 1500U); // zone's v0..v2 are among them
}
