#include "inventory/inventory_loader.hpp"
#include "inventory/label_selector.hpp"

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

// Four nodes whose labels cover the cases kubectl's selector tests use.
Inventory fleet() {
    auto parsed = parse_inventory(R"({"schema_version": 1, "cluster": "t",
      "captured_at": "2026-11-24T08:00:00Z", "nodes": [
      {"name": "a", "address": "10.0.0.1", "labels": {"env": "prod", "tier": "web", "gpu": "",
                                                      "cores": "64"}},
      {"name": "b", "address": "10.0.0.2", "labels": {"env": "dev", "tier": "web", "cores": "8"}},
      {"name": "c", "address": "10.0.0.3", "labels": {"env": "prod", "tier": "db"}},
      {"name": "d", "address": "10.0.0.4", "labels": {}}]})");
    EXPECT_TRUE(parsed.has_value()) << parsed.error();
    return std::move(*parsed);
}

std::string select(const Inventory& inventory, const std::string& text) {
    auto selector = LabelSelector::parse(text);
    EXPECT_TRUE(selector.has_value()) << text << ": " << selector.error().message;
    if (!selector) {
        return "<error>";
    }
    const CompiledSelector compiled(*selector, inventory);
    std::string names;
    for (const Node& node : inventory.nodes) {
        if (compiled.matches(node)) {
            names += node.name;
        }
    }
    return names;
}

SelectorError error_of(const std::string& text) {
    auto selector = LabelSelector::parse(text);
    EXPECT_FALSE(selector.has_value()) << "'" << text << "' should not parse";
    return selector ? SelectorError{} : selector.error();
}

} // namespace

TEST(InventorySelector, EqualityAndInequality) {
    const Inventory inventory = fleet();
    EXPECT_EQ(select(inventory, "env=prod"), "ac");
    EXPECT_EQ(select(inventory, "env==prod"), "ac");
    // As in Kubernetes, != also matches nodes without the key.
    EXPECT_EQ(select(inventory, "env!=prod"), "bd");
    EXPECT_EQ(select(inventory, "env=nothing"), "");
    EXPECT_EQ(select(inventory, "nokey=x"), "");
    EXPECT_EQ(select(inventory, "nokey!=x"), "abcd");
}

TEST(InventorySelector, SetsExistenceAndConjunction) {
    const Inventory inventory = fleet();
    EXPECT_EQ(select(inventory, "env in (prod, dev)"), "abc");
    EXPECT_EQ(select(inventory, "env notin (prod)"), "bd");
    EXPECT_EQ(select(inventory, "tier"), "abc");
    EXPECT_EQ(select(inventory, "!tier"), "d");
    EXPECT_EQ(select(inventory, "env=prod,tier=web"), "a");
    EXPECT_EQ(select(inventory, "env in (prod),!gpu"), "c");
    EXPECT_EQ(select(inventory, ""), "abcd");
    EXPECT_EQ(select(inventory, "cores>10"), "a");
    EXPECT_EQ(select(inventory, "cores<10"), "b");
}

TEST(InventorySelector, EmptyValuesFollowApimachinery) {
    const Inventory inventory = fleet();
    // "gpu=" is the empty value: only a has gpu="".
    EXPECT_EQ(select(inventory, "gpu="), "a");
    EXPECT_EQ(select(inventory, "gpu=,env=prod"), "a");
    // "in ()" and "(,)" mean the set holding only the empty value, not an empty set.
    EXPECT_EQ(select(inventory, "gpu in ()"), "a");
    EXPECT_EQ(select(inventory, "gpu in (,)"), "a");
    EXPECT_EQ(select(inventory, "env in (dev,)"), "b");
    EXPECT_EQ(select(inventory, "env notin ()"), "abcd");
}

TEST(InventorySelector, WhitespaceBetweenTokensIsIgnored) {
    const Inventory inventory = fleet();
    EXPECT_EQ(select(inventory, "  env = prod ,  tier=web  "), "a");
    EXPECT_EQ(select(inventory, "env in(prod)"), "ac");
    EXPECT_EQ(select(inventory, "env\tin\t( prod , dev )"), "abc");
    EXPECT_EQ(select(inventory, "! tier"), "d");
    EXPECT_EQ(select(inventory, "env != prod"), "bd");
}

TEST(InventorySelector, KeywordsAreKeysOrValuesWhereTheyStand) {
    auto selector = LabelSelector::parse("in in (in, notin)");
    ASSERT_TRUE(selector.has_value()) << selector.error().message;
    EXPECT_EQ(selector->requirements()[0].key, "in");
    EXPECT_EQ(selector->requirements()[0].values, (std::vector<std::string>{"in", "notin"}));
}

TEST(InventorySelector, ParsesQualifiedKeys) {
    auto selector = LabelSelector::parse("node-role.kubernetes.io/worker,topology.kubernetes.io/"
                                         "zone in (eu-west-1a,eu-west-1b)");
    ASSERT_TRUE(selector.has_value()) << selector.error().message;
    ASSERT_EQ(selector->requirements().size(), 2U);
    EXPECT_EQ(selector->requirements()[0].op, Requirement::Op::exists);
    EXPECT_EQ(selector->requirements()[1].op, Requirement::Op::in);
}

TEST(InventorySelector, ErrorsPointAtTheOffendingCharacter) {
    EXPECT_EQ(error_of("env=prod dev").column, 10U);
    EXPECT_EQ(error_of("env=prod dev").message, "found 'dev', expected ',' or the end");
    EXPECT_EQ(error_of("env=prod,").column, 10U); // the end of the string
    EXPECT_EQ(error_of(",env").column, 1U);
    EXPECT_EQ(error_of("env in prod").column, 8U);
    EXPECT_EQ(error_of("env in (prod").column, 13U);
    EXPECT_EQ(error_of("env in (a b)").column, 11U);
    EXPECT_EQ(error_of("env ~ prod").column, 5U); // "~" lexes as part of an identifier
    EXPECT_EQ(error_of("!env=prod").column, 5U);
    EXPECT_EQ(error_of("env=(prod)").column, 5U);
    EXPECT_EQ(error_of("=prod").column, 1U);
    EXPECT_EQ(error_of("cores>many").column, 7U);
}

TEST(InventorySelector, KeysAndValuesFollowTheLabelRules) {
    // Invalid characters, leading/trailing punctuation, lengths.
    EXPECT_EQ(error_of("env=pr@d").column, 5U);
    EXPECT_NE(error_of("env=pr@d").message.find("label value 'pr@d'"), std::string::npos);
    error_of("env=-prod");
    error_of("env=prod.");
    error_of("-env=prod");
    error_of("Example.COM/env=prod"); // the prefix must be lower case
    error_of("/env=prod");
    error_of("a/b/c=prod");
    error_of("example.com/=prod");
    error_of("env=" + std::string(64, 'a'));
    error_of(std::string(64, 'k') + "=v");
    error_of(std::string(250, 'p') + ".com/k=v"); // prefix longer than 253
    EXPECT_TRUE(LabelSelector::parse("env=" + std::string(63, 'a')).has_value());
    EXPECT_TRUE(LabelSelector::parse(std::string(63, 'k') + "=v").has_value());
    EXPECT_TRUE(LabelSelector::parse("A_b.c-D=x_Y.z-1").has_value());
}
