#include "inventory/node_set.hpp"

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

std::vector<std::string> names(const std::string& text) {
    auto set = parse_node_set(text);
    EXPECT_TRUE(set.has_value()) << text << ": " << set.error().message;
    return set ? set->names : std::vector<std::string>{};
}

NodeSetError error_of(const std::string& text) {
    auto set = parse_node_set(text);
    EXPECT_FALSE(set.has_value()) << "'" << text << "' should not parse";
    return set ? NodeSetError{} : set.error();
}

using Names = std::vector<std::string>;

} // namespace

TEST(InventoryNodeSet, ExpandsRangesLikeClusterShell) {
    EXPECT_EQ(names("node[1-3]"), (Names{"node1", "node2", "node3"}));
    EXPECT_EQ(names("node[001-003,205]"), (Names{"node001", "node002", "node003", "node205"}));
    // Padding comes from the first bound; wider numbers print in full.
    EXPECT_EQ(names("n[08-10]"), (Names{"n08", "n09", "n10"}));
    EXPECT_EQ(names("n[098-101]"), (Names{"n098", "n099", "n100", "n101"}));
    EXPECT_EQ(names("n[1-7/3]"), (Names{"n1", "n4", "n7"}));
    EXPECT_EQ(names("n[5]"), (Names{"n5"}));
    EXPECT_EQ(names("n[0]"), (Names{"n0"}));
}

TEST(InventoryNodeSet, SeveralBracketGroupsGiveEveryCombination) {
    EXPECT_EQ(names("rack[1-2]-n[01-02]"),
              (Names{"rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02"}));
    EXPECT_EQ(names("[1-2]a"), (Names{"1a", "2a"}));
}

TEST(InventoryNodeSet, TopLevelCommasOverlapsAndSpaces) {
    EXPECT_EQ(names("a,b[1-2],c"), (Names{"a", "b1", "b2", "c"}));
    // Overlapping sets name each node once, in first-seen order.
    EXPECT_EQ(names("node[1-3],node[2-4],node2"), (Names{"node1", "node2", "node3", "node4"}));
    EXPECT_EQ(names(" a , b[ 1 - 2 , 4 ] "), (Names{"a", "b1", "b2", "b4"}));
    EXPECT_EQ(names("a,,b,"), (Names{"a", "b"}));
    EXPECT_EQ(names(""), Names{});
}

TEST(InventoryNodeSet, GlobsAreKeptForMatching) {
    auto set = parse_node_set("gpu-*,cpu-[1-2]?,exact");
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->globs, (Names{"gpu-*", "cpu-1?", "cpu-2?"}));
    EXPECT_EQ(set->names, (Names{"exact"}));
}

TEST(InventoryNodeSet, EachTopLevelElementIsATermOfItsKind) {
    auto set = parse_node_set("node0042, node[001-003] ,gpu-*,rack[1-2]-?,node002");
    ASSERT_TRUE(set.has_value());
    ASSERT_EQ(set->terms.size(), 5u);
    EXPECT_EQ(set->terms[0].kind, NodeSetTerm::Kind::exact);
    EXPECT_EQ(set->terms[0].text, "node0042");
    EXPECT_EQ(set->terms[1].kind, NodeSetTerm::Kind::range);
    EXPECT_EQ(set->terms[1].text, "node[001-003]");
    EXPECT_EQ(set->terms[1].names, (std::vector<std::size_t>{1, 2, 3}));
    EXPECT_EQ(set->terms[2].kind, NodeSetTerm::Kind::pattern);
    EXPECT_EQ(set->terms[3].kind, NodeSetTerm::Kind::pattern);
    EXPECT_EQ(set->terms[3].globs, (std::vector<std::size_t>{1, 2}));
    // A name written twice is kept once, and each term still points at it.
    EXPECT_EQ(set->terms[4].kind, NodeSetTerm::Kind::exact);
    EXPECT_EQ(set->terms[4].names, (std::vector<std::size_t>{2}));
    EXPECT_EQ(set->names, (Names{"node0042", "node001", "node002", "node003"}));
}

TEST(InventoryNodeSet, ErrorsSayWhere) {
    EXPECT_EQ(error_of("node[1-3").column, 5U);
    EXPECT_EQ(error_of("node1-3]").column, 8U);
    EXPECT_EQ(error_of("node[3-1]").column, 6U);
    EXPECT_EQ(error_of("node[a-b]").column, 6U);
    EXPECT_EQ(error_of("node[1-x]").column, 8U);
    EXPECT_EQ(error_of("node[]").column, 6U);
    EXPECT_EQ(error_of("node[[1]]").column, 6U);
    EXPECT_EQ(error_of("node[1-3/0]").column, 10U);
    EXPECT_EQ(error_of("a b").column, 2U);
    EXPECT_NE(error_of("node[1-9]!node5").message.find("use -x"), std::string::npos);
    error_of("@gpus");
    error_of("n[1-1000]-m[1-1000]-k[1-10]"); // 10 million names
}

TEST(InventoryNodeSet, FoldsNamesCompactly) {
    EXPECT_EQ(fold_node_set({"node3", "node1", "node2", "node7"}), "node[1-3,7]");
    EXPECT_EQ(fold_node_set({"node001", "node002", "node003", "node205"}), "node[001-003,205]");
    EXPECT_EQ(fold_node_set({"n098", "n099", "n100"}), "n[098-100]");
    EXPECT_EQ(fold_node_set({"node5"}), "node5");
    EXPECT_EQ(fold_node_set({"cp-01", "gpu-a", "cpu-worker-001", "cpu-worker-002"}),
              "cp-01,cpu-worker-[001-002],gpu-a");
    EXPECT_EQ(fold_node_set({"r1-n01", "r1-n02", "r2-n01"}), "r1-n[01-02],r2-n01");
    // Different paddings are different names and stay apart.
    EXPECT_EQ(fold_node_set({"n1", "n01", "n2"}), "n01,n[1-2]");
    EXPECT_EQ(fold_node_set({"a.example.com1", "b"}), "a.example.com1,b");
    EXPECT_EQ(fold_node_set({"x2y", "x1y", "x1y"}), "x[1-2]y");
    EXPECT_EQ(fold_node_set({}), "");
}

TEST(InventoryNodeSet, FoldingThenParsingGivesTheSameNames) {
    const Names original{"node0099", "node0100", "node0101", "node0200", "gpu-1",
                         "gpu-3",    "cp",       "n1",       "n01",      "n001"};
    std::vector<std::string_view> views(original.begin(), original.end());
    Names round_trip = names(fold_node_set(views));
    Names sorted = original;
    std::sort(sorted.begin(), sorted.end());
    std::sort(round_trip.begin(), round_trip.end());
    EXPECT_EQ(round_trip, sorted);
}

// Selection finds each name's node through the set's own index: every name's id there is its
// position in `names`, repeats included once.
TEST(InventoryNodeSet, NameIdsArePositionsInNames) {
    auto set = parse_node_set("b,a[1-3],b,x*,a2,c");
    ASSERT_TRUE(set.has_value());
    ASSERT_EQ(set->names, (std::vector<std::string>{"b", "a1", "a2", "a3", "c"}));
    EXPECT_EQ(set->name_ids.size(), set->names.size());
    for (std::size_t i = 0; i < set->names.size(); ++i) {
        EXPECT_EQ(set->name_ids.find(set->names[i]), static_cast<std::uint32_t>(i));
    }
    EXPECT_EQ(set->name_ids.find("x*"), std::nullopt); // globs are not names
}
