#include "inventory/node_list.hpp"

#include <gtest/gtest.h>

using breakglass::inventory::format_node_list;
using breakglass::inventory::parse_node_list;

TEST(InventoryNodeList, ReadsOneNamePerLineSkippingCommentsAndBlanks) {
    auto names = parse_node_list("# nodes not done\n\nnode0003\n  node0007 \r\nnode0003\n#x\nn9");
    ASSERT_TRUE(names) << names.error();
    EXPECT_EQ(*names, (std::vector<std::string>{"node0003", "node0007", "n9"}));
    EXPECT_TRUE(parse_node_list("")->empty());
}

TEST(InventoryNodeList, AFileIsDataNeverNodeSetSyntax) {
    auto range = parse_node_list("node0001\nnode[0002-0009]\n");
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().find("line 2"), std::string::npos) << range.error();
    EXPECT_FALSE(parse_node_list("a,b\n"));
    EXPECT_FALSE(parse_node_list("gpu-*\n"));
    EXPECT_FALSE(parse_node_list("node 1\n"));
    auto escape = parse_node_list("node\x1b[2K\n");
    ASSERT_FALSE(escape);
    EXPECT_EQ(escape.error().find('\x1b'), std::string::npos) << "the error is terminal-safe";
}

TEST(InventoryNodeList, WhatIsWrittenReadsBack) {
    const std::vector<std::string> names = {"node0002", "node0010", "gpu-7"};
    const std::string text = format_node_list(names, {"why the run stopped", "how to continue"});
    EXPECT_EQ(text.rfind("# why the run stopped\n# how to continue\n", 0), 0U) << text;
    EXPECT_EQ(parse_node_list(text).value(), names);
}
