#pragma once

#include "tests/integration/support/process.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace breakglass::testing {

// daemonset_match.sh's failure as the CLI reads it: status 5, nothing on stdout, one
// `daemonset_match:` line on stderr that contains WHY.
inline void expect_unreadable(const ProcessResult& result, const std::string& why) {
    EXPECT_EQ(result.exit_code, 5) << result.out << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("daemonset_match: ", 0), 0U) << result.err;
    EXPECT_NE(result.err.find(why), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

} // namespace breakglass::testing
