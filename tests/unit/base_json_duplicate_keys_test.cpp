#include "base/json_duplicate_keys.hpp"

#include <gtest/gtest.h>

using breakglass::base::find_duplicate_json_key;

TEST(BaseJsonDuplicateKeys, NamesThePathOfTheRepeatedKey) {
    EXPECT_EQ(find_duplicate_json_key(R"({"a":1,"a":2})"), "a");
    EXPECT_EQ(find_duplicate_json_key(R"({"steps":[{"name":"x","run":"true"},{"name":"y"},)"
                                      R"({"name":"z","run":"true","run":"rm -rf /"}]})"),
              "steps[2].run");
    EXPECT_EQ(find_duplicate_json_key(R"({"params":{"NAME":{"pattern":"a","pattern":"b"}}})"),
              "params.NAME.pattern");
    EXPECT_EQ(find_duplicate_json_key(R"([[1],[2,{"k":[0,{"x":1,"x":1}]}]])"), "[1][1].k[1].x");
    // Keys equal only after unescaping are equal.
    EXPECT_EQ(find_duplicate_json_key(R"({"run":1,"r\u0075n":2})"), "run");
}

TEST(BaseJsonDuplicateKeys, AcceptsRepeatsInDifferentObjects) {
    EXPECT_EQ(find_duplicate_json_key(R"({"a":{"a":1},"b":{"a":1},"c":[{"a":1},{"a":2}]})"),
              std::nullopt);
    EXPECT_EQ(find_duplicate_json_key("[]"), std::nullopt);
    EXPECT_EQ(find_duplicate_json_key("42"), std::nullopt);
}

TEST(BaseJsonDuplicateKeys, LeavesSyntaxErrorsToTheParser) {
    EXPECT_EQ(find_duplicate_json_key(R"({"a":1,)"), std::nullopt);
    EXPECT_EQ(find_duplicate_json_key(""), std::nullopt);
    // A repeat before the syntax error is still a repeat.
    EXPECT_EQ(find_duplicate_json_key(R"({"a":1,"a":2,)"), "a");
}
