#include "base/rfc3339.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_loader.hpp"
#include "inventory/selection.hpp"
#include "inventory/staleness.hpp"

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using breakglass::base::parse_rfc3339;
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
    for (std::size_t index : selected.value_or(Selection{}).indices) {
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
    // Several -w arguments (their names found through one index of the inventory's names),
    // overlapping, with -x given twice as well.
    EXPECT_EQ(
        chosen(inventory,
               {"", {"node001,node005", "node[004-006]", "gpu-a"}, {"node005", "node004"}, {}}),
        "node001 node006 gpu-a");
    auto missing = select_nodes(inventory, {"", {"node001", "node002,gpu-z"}, {}, {}});
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().message, "-w names nodes not in the inventory: gpu-z");
    EXPECT_EQ(chosen(inventory, {"role=cpu", {}, {}, 3}), "node001 node002 node004");
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
    // The exact name is the typo; the range's missing names are a fleet's gaps.
    EXPECT_EQ(unknown.error().message, "-w names nodes not in the inventory: gpu-b");
    // A typo in -x must not silently leave the node in.
    auto unknown_exclude = select_nodes(inventory, {"", {}, {"node013"}, {}});
    ASSERT_FALSE(unknown_exclude.has_value());
    EXPECT_EQ(unknown_exclude.error().message, "-x names nodes not in the inventory: node013");
}

TEST(InventorySelection, RangesCoverTheNodesTheInventoryHasAndWarnAboutTheRest) {
    const Inventory inventory = fleet();
    auto selected = select_nodes(inventory, {"", {"node[001-020]"}, {}, {}});
    ASSERT_TRUE(selected.has_value()) << selected.error().message;
    EXPECT_EQ(selected->indices.size(), 12u);
    ASSERT_EQ(selected->warnings.size(), 1u);
    EXPECT_EQ(selected->warnings[0],
              "-w node[001-020]: 12 of 20 names in the inventory; missing node[013-020]");

    // Each term is judged alone: a full range and a glob warn about nothing.
    selected = select_nodes(inventory, {"", {"node[001-003],gpu-*,node[011-013]"}, {}, {}});
    ASSERT_TRUE(selected.has_value()) << selected.error().message;
    EXPECT_EQ(selected->indices.size(), 6u);
    ASSERT_EQ(selected->warnings.size(), 1u);
    EXPECT_EQ(selected->warnings[0],
              "-w node[011-013]: 2 of 3 names in the inventory; missing node013");

    // --strict-selection makes any missing name an error.
    auto strict = select_nodes(inventory, {"", {"node[001-020]"}, {}, {}, true});
    ASSERT_FALSE(strict.has_value());
    EXPECT_EQ(strict.error().kind, SelectionError::Kind::unknown_nodes);
    EXPECT_EQ(strict.error().message, "-w node[001-020]: 12 of 20 names in the inventory; "
                                      "missing node[013-020] (--strict-selection)");
    EXPECT_TRUE(select_nodes(inventory, {"", {"node[001-012]"}, {}, {}, true}).has_value());
}

TEST(InventorySelection, AFleetWithGapsEveryFourthNumber) {
    std::string nodes;
    for (int i = 0; i < 100; i += 4) {
        char name[16];
        std::snprintf(name, sizeof name, "gpu-%05d", i);
        nodes += std::string(nodes.empty() ? "" : ",") + R"({"name": ")" + name +
                 R"(", "address": "10.0.0.)" + std::to_string(i + 1) + R"("})";
    }
    auto inventory = parse_inventory(R"({"schema_version": 1, "cluster": "t", "captured_at":
        "2026-11-24T08:00:00Z", "nodes": [)" +
                                     nodes + "]}");
    ASSERT_TRUE(inventory.has_value()) << inventory.error();
    auto selected = select_nodes(*inventory, {"", {"gpu-[00000-00099]"}, {}, {}});
    ASSERT_TRUE(selected.has_value()) << selected.error().message;
    EXPECT_EQ(selected->indices.size(), 25u);
    ASSERT_EQ(selected->warnings.size(), 1u);
    // 75 missing names: the first 64 are folded, the rest counted.
    EXPECT_EQ(selected->warnings[0].rfind("-w gpu-[00000-00099]: 25 of 100 names in the "
                                          "inventory; missing gpu-[00001-00003,00005-00007,",
                                          0),
              0u)
        << selected->warnings[0];
    EXPECT_NE(selected->warnings[0].find(" and 11 more"), std::string::npos)
        << selected->warnings[0];
}

TEST(InventorySelection, RangesAndPatternsThatMatchNothingAreErrors) {
    const Inventory inventory = fleet();
    auto pattern = select_nodes(inventory, {"", {"nomatch-*"}, {}, {}});
    ASSERT_FALSE(pattern.has_value());
    EXPECT_EQ(pattern.error().kind, SelectionError::Kind::unknown_nodes);
    EXPECT_EQ(pattern.error().message, "-w nomatch-* matches no node in the inventory");
    auto range = select_nodes(inventory, {"", {"node[100-200]"}, {}, {}});
    ASSERT_FALSE(range.has_value());
    EXPECT_EQ(range.error().message, "-w node[100-200] matches no node in the inventory");
    auto exclude = select_nodes(inventory, {"", {}, {"rack[1-2]-*"}, {}});
    ASSERT_FALSE(exclude.has_value());
    EXPECT_EQ(exclude.error().message, "-x rack[1-2]-* matches no node in the inventory");
}

TEST(InventorySelection, AnExclusionThatExcludesNothingIsAnError) {
    const Inventory inventory = fleet();
    // node001 and node002 are cpu nodes: -l role=gpu never selected them, so this -x is a
    // mistake that would leave the node the responder meant in.
    auto nothing = select_nodes(inventory, {"role=gpu", {}, {"node[001-002]"}, {}});
    ASSERT_FALSE(nothing.has_value());
    EXPECT_EQ(nothing.error().kind, SelectionError::Kind::unknown_nodes);
    EXPECT_EQ(nothing.error().message,
              "-x node[001-002] excludes nothing: none of its nodes is selected");
    auto pattern = select_nodes(inventory, {"", {"node[001-004]"}, {"gpu-*"}, {}});
    ASSERT_FALSE(pattern.has_value());
    EXPECT_EQ(pattern.error().message, "-x gpu-* excludes nothing: none of its nodes is selected");
    // A -x range with gaps excludes what it covers and warns about the rest.
    auto partial = select_nodes(inventory, {"", {}, {"node[010-015]"}, {}});
    ASSERT_TRUE(partial.has_value()) << partial.error().message;
    EXPECT_EQ(partial->indices.size(), 10u);
    ASSERT_EQ(partial->warnings.size(), 1u);
    EXPECT_EQ(partial->warnings[0],
              "-x node[010-015]: 3 of 6 names in the inventory; missing node[013-015]");
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
