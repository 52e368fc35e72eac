#include "inventory/string_pool.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using breakglass::inventory::StringPool;

TEST(InventoryStringPool, InternsEachTextOnceWithDenseIds) {
    StringPool pool;
    EXPECT_EQ(pool.intern("zone-a"), 0U);
    EXPECT_EQ(pool.intern("zone-b"), 1U);
    EXPECT_EQ(pool.intern("zone-a"), 0U);
    EXPECT_EQ(pool.intern(""), 2U);
    EXPECT_EQ(pool.intern(""), 2U);
    EXPECT_EQ(pool.size(), 3U);
    EXPECT_EQ(pool.find("zone-b"), 1U);
    EXPECT_EQ(pool.find("zone-c"), std::nullopt);
    EXPECT_EQ(pool.view(0), "zone-a");
    EXPECT_EQ(pool.view(2), "");
}

TEST(InventoryStringPool, ViewsStayValidAcrossGrowthAndBlocks) {
    // Enough texts to grow the table many times and fill several 64 KiB blocks, with long texts
    // (a block of their own) among them; texts that differ only past their eighth byte or in
    // length test the hash and the comparison.
    StringPool pool;
    std::vector<std::string> texts;
    std::vector<std::string_view> first_views;
    for (int i = 0; i < 20000; ++i) {
        std::string text = "node-label-value-" + std::to_string(i);
        if (i % 997 == 0) {
            text += std::string(40000, 'x');
        }
        texts.push_back(text);
        ASSERT_EQ(pool.intern(text), static_cast<std::uint32_t>(i));
        first_views.push_back(pool.view(static_cast<std::uint32_t>(i)));
    }
    for (int i = 0; i < 20000; ++i) {
        const auto id = static_cast<std::uint32_t>(i);
        EXPECT_EQ(pool.view(id), texts[id]);
        EXPECT_EQ(pool.view(id).data(), first_views[id].data()) << "a text moved";
        EXPECT_EQ(pool.find(texts[id]), id);
    }
    EXPECT_EQ(pool.find("node-label-value-"), std::nullopt);
    EXPECT_EQ(pool.find("node-label-value-1 "), std::nullopt);
}

TEST(InventoryStringPool, CopiesOwnTheirTextsAndMovesKeepThem) {
    auto original = std::make_unique<StringPool>();
    original->intern("a");
    original->intern(std::string(30000, 'y'));
    StringPool copy(*original);
    StringPool assigned;
    assigned.intern("other");
    assigned = *original;
    original.reset(); // the copies must not point into its blocks
    EXPECT_EQ(copy.view(0), "a");
    EXPECT_EQ(copy.view(1), std::string(30000, 'y'));
    EXPECT_EQ(assigned.find("a"), 0U);
    EXPECT_EQ(assigned.find("other"), std::nullopt);

    StringPool moved(std::move(copy));
    EXPECT_EQ(moved.view(0), "a");
    EXPECT_EQ(moved.intern("b"), 2U);
    // A moved-from pool is empty and usable, and shares nothing with the one it moved into.
    EXPECT_EQ(copy.size(), 0U); // NOLINT(bugprone-use-after-move): checked on purpose
    EXPECT_EQ(copy.intern("c"), 0U);
    EXPECT_EQ(moved.view(0), "a");
    EXPECT_EQ(moved.view(2), "b");
}

TEST(InventoryStringPool, ReserveKeepsIds) {
    StringPool pool;
    pool.reserve(3);
    for (const char* name : {"n1", "n2", "n3"}) {
        pool.intern(name);
    }
    pool.reserve(1000); // growing the table keeps every id
    EXPECT_EQ(pool.find("n1"), 0U);
    EXPECT_EQ(pool.find("n2"), 1U);
    EXPECT_EQ(pool.find("n3"), 2U);
    EXPECT_EQ(pool.intern("n4"), 3U);
    for (int i = 0; i < 5000; ++i) {
        pool.reserve(pool.size() + 1); // a little at a time, as many small node-set terms do
        pool.intern("m" + std::to_string(i));
    }
    EXPECT_EQ(pool.find("m4999"), 5003U);
}
