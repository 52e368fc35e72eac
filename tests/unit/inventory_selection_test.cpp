#include "inventory/cache_format.hpp"
#include "inventory/inventory_loader.hpp"
#include "inventory/selection.hpp"
#include "inventory/staleness.hpp"

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using namespace std::chrono_literals;

namespace {

Inventory fleet() {
    std::string nodes;
    for (int i = 1; i <= 12; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "node%03d", i);
        nodes += std::string(nodes.empty() ? "" : ",") + R"({"name": ")" + name +
                 R"(", "address": "10.0.0.)" + std::to_string(i) + R"(", "labels": {"role": ")" +
                 (i % 3 == 0 ? "gpu" : "cpu") + R"("}})";
    }
    nodes += R"(,{"name": "gpu-a", "address": "10.0.1.1", "labels": {"role": "gpu"}})";
    auto parsed = parse_inventory(R"({"schema_version": 1, "cluster": "t", "captured_at":
        "2026-11-24T08:00:00Z", "nodes": [)" +
                                  nodes + "]}");
    EXPECT_TRUE(parsed.has_value()) << parsed.error();
    return std::move(*parsed);
}

std::string chosen(const Inventory& inventory, const SelectionRequest& request) {
    auto selected = select_nodes(inventory, request);
    EXPECT_TRUE(selected.has_value()) << selected.error().message;
    std::string names;
    for (std::size_t index : selected.value_or(std::vector<std::size_t>{})) {
        names += (names.empty() ? "" : " ") + inventory.nodes[index].name;
    }
    return names;
}

} // namespace

TEST(InventorySelection, CombinesSelectorNodesExcludeAndLimitInInventoryOrder) {
    const Inventory inventory = fleet();
    EXPECT_EQ(chosen(inventory, {"role=gpu", {}, {}, {}}), "node003 node006 node009 node012 gpu-a");
    // -w order does not matter: the result keeps inventory order.
    EXPECT_EQ(chosen(inventory, {"", {"node[010-011],node002"}, {}, {}}),
              "node002 node010 node011");
    EXPECT_EQ(chosen(inventory, {"role=gpu", {"node[001-009]", "gpu-*"}, {"node006"}, {}}),
              "node003 node009 gpu-a");
    EXPECT_EQ(chosen(inventory, {"", {}, {"node[001-012]"}, {}}), "gpu-a");
    EXPECT_EQ(chosen(inventory, {"role=cpu", {}, {}, 3}), "node001 node002 node004");
    EXPECT_EQ(chosen(inventory, {"", {"nomatch-*"}, {}, {}}), "");
}

TEST(InventorySelection, ErrorsAreTypedForExitCodes) {
    const Inventory inventory = fleet();
    auto bad_selector = select_nodes(inventory, {"role=", {}, {}, {}});
    EXPECT_TRUE(bad_selector.has_value()); // the empty value is valid
    bad_selector = select_nodes(inventory, {"role in gpu", {}, {}, {}});
    ASSERT_FALSE(bad_selector.has_value());
    EXPECT_EQ(bad_selector.error().kind, SelectionError::Kind::syntax);
    EXPECT_EQ(bad_selector.error().message,
              "-l 'role in gpu', column 9: found 'gpu', expected '('");
    auto bad_set = select_nodes(inventory, {"", {"node[1-"}, {}, {}});
    ASSERT_FALSE(bad_set.has_value());
    EXPECT_EQ(bad_set.error().kind, SelectionError::Kind::syntax);
    auto unknown = select_nodes(inventory, {"", {"node[011-014],gpu-b"}, {}, {}});
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind, SelectionError::Kind::unknown_nodes);
    EXPECT_EQ(unknown.error().message, "-w names nodes not in the inventory: gpu-b,node[013-014]");
    // A typo in -x must not silently leave the node in.
    auto unknown_exclude = select_nodes(inventory, {"", {}, {"node013"}, {}});
    ASSERT_FALSE(unknown_exclude.has_value());
    EXPECT_EQ(unknown_exclude.error().message, "-x names nodes not in the inventory: node013");
}

TEST(InventoryStaleness, WarnsThenRefuses) {
    const TimePoint captured = parse_rfc3339("2026-11-24T08:00:00Z").value();
    const auto at = [&](std::chrono::seconds later) {
        return assess_staleness(captured, captured + later, 24h, 7 * 24h);
    };
    EXPECT_EQ(at(1h).level, Staleness::Level::fresh);
    EXPECT_EQ(at(24h).level, Staleness::Level::fresh);
    EXPECT_EQ(at(24h + 1s).level, Staleness::Level::warn);
    EXPECT_EQ(at(7 * 24h + 1s).level, Staleness::Level::refuse);
    EXPECT_EQ(at(-1h).level, Staleness::Level::fresh);
    EXPECT_EQ(assess_staleness(captured, captured + 30 * 24h, 0ms, 0ms).level,
              Staleness::Level::fresh);
    EXPECT_EQ(at(3h + 12min).age, 3h + 12min);
    EXPECT_EQ(describe_age(3h + 12min + 5s), "3h12m");
    EXPECT_EQ(describe_age(2 * 24h + 4h + 1min), "2d4h");
    EXPECT_EQ(describe_age(45s), "45s");
    EXPECT_EQ(describe_age(-5s), "in the future");
}
