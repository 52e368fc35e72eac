#include "base/glob.hpp"

#include <string>

#include <gtest/gtest.h>

using breakglass::base::glob_match;
using breakglass::base::glob_match_list;
using breakglass::base::ListMatch;

TEST(BaseGlob, StarMatchesAnyRunIncludingNone) {
    EXPECT_TRUE(glob_match("gpu-*", "gpu-a100-01"));
    EXPECT_TRUE(glob_match("gpu-*", "gpu-"));
    EXPECT_FALSE(glob_match("gpu-*", "xgpu-1"));
    EXPECT_TRUE(glob_match("*-01", "gpu-a100-01"));
    EXPECT_TRUE(glob_match("*@example.com", "alice@example.com"));
    EXPECT_FALSE(glob_match("*@example.org", "alice@example.com"));
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("**", "x"));
    EXPECT_TRUE(glob_match("*a*a*a*", "banana-a"));
    EXPECT_TRUE(glob_match("a*a*a", "aaa"));
    EXPECT_FALSE(glob_match("a*a*a", "aa"));
}

TEST(BaseGlob, QuestionMarkIsExactlyOneCharacter) {
    EXPECT_TRUE(glob_match("n?de*1", "node-0001"));
    EXPECT_TRUE(glob_match("?lice@*", "alice@example.com"));
    EXPECT_FALSE(glob_match("n?de", "nde"));
    EXPECT_FALSE(glob_match("alice?", "alice"));
    EXPECT_FALSE(glob_match("?", ""));
    EXPECT_TRUE(glob_match("?*", "x"));
}

TEST(BaseGlob, WholeTextCaseSensitive) {
    EXPECT_TRUE(glob_match("alice", "alice"));
    EXPECT_FALSE(glob_match("alice", "Alice"));
    EXPECT_FALSE(glob_match("node", "node1"));
    EXPECT_FALSE(glob_match("node", "xnode"));
    EXPECT_TRUE(glob_match("", ""));
    EXPECT_FALSE(glob_match("", "x"));
}

TEST(BaseGlob, BracketsAndBackslashesAreLiteral) {
    // No classes and no escapes: node sets expand ranges before matching, OpenSSH has neither.
    EXPECT_TRUE(glob_match("node[1-2]", "node[1-2]"));
    EXPECT_FALSE(glob_match("node[1-2]", "node1"));
    EXPECT_TRUE(glob_match("[10.0.0.1]:*", "[10.0.0.1]:2222"));
    EXPECT_TRUE(glob_match("a\\*", "a\\xyz"));
    EXPECT_FALSE(glob_match("a\\*", "a*"));
    EXPECT_FALSE(glob_match("a\\?", "a?"));
}

TEST(BaseGlob, HostilePatternsStayFast) {
    // Exponential with naive backtracking; linear retries from the last star here.
    EXPECT_FALSE(glob_match(std::string(50, '*') + "b", std::string(5000, 'a')));
    EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST(BaseGlob, NegationWinsInLists) {
    EXPECT_EQ(glob_match_list("bob@x,alice@x", "alice@x"), ListMatch::positive);
    EXPECT_EQ(glob_match_list("*@x,!alice@x", "alice@x"), ListMatch::negated);
    EXPECT_EQ(glob_match_list("!alice@x,*@x", "alice@x"), ListMatch::negated);
    EXPECT_EQ(glob_match_list("*@x,!alice@x", "bob@x"), ListMatch::positive);
    EXPECT_EQ(glob_match_list("!alice@x", "bob@x"), ListMatch::none);
    EXPECT_EQ(glob_match_list("", "bob@x"), ListMatch::none);
    EXPECT_EQ(glob_match_list("a,,b", "b"), ListMatch::positive);
    EXPECT_EQ(glob_match_list("10.0.0.*,!10.0.0.9", "10.0.0.9"), ListMatch::negated);
    EXPECT_EQ(glob_match_list("[10.0.0.1]:2222", "[10.0.0.1]:2222"), ListMatch::positive);
}
