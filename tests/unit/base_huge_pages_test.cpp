#include "base/huge_pages.hpp"

#include <vector>

#include <gtest/gtest.h>

TEST(BaseHugePages, AdviceIsOnlyAHint) {
    // Unaligned, smaller than a page, empty and null ranges: nothing to advise, nothing fails.
    std::vector<char> small(100, 'x');
    breakglass::base::advise_huge_pages(small.data() + 1, 10);
    breakglass::base::advise_huge_pages(small.data(), 0);
    breakglass::base::advise_huge_pages(nullptr, 1 << 20);
    std::vector<char> large(8 << 20, 'y');
    breakglass::base::advise_huge_pages(large.data() + 3, large.size() - 3);
    EXPECT_EQ(large[12345], 'y');
    EXPECT_EQ(small[50], 'x');
}
