#include "base/system_error.hpp"

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

using breakglass::base::descriptor_problem;
using breakglass::base::errno_text;
using breakglass::base::k_max_descriptor;

TEST(BaseSystemError, ErrnoTextIsTheSystemsMessage) {
    EXPECT_EQ(errno_text(ECONNREFUSED), "Connection refused");
    EXPECT_EQ(errno_text(ENOENT), "No such file or directory");
    EXPECT_FALSE(errno_text(0).empty());
}

TEST(BaseSystemError, DescriptorsAboveSixteenBitsAreRefused) {
    EXPECT_EQ(descriptor_problem(0), std::nullopt);
    EXPECT_EQ(descriptor_problem(1024), std::nullopt);
    EXPECT_EQ(descriptor_problem(k_max_descriptor), std::nullopt);
    EXPECT_EQ(descriptor_problem(65535), std::nullopt);
    EXPECT_EQ(descriptor_problem(65536), "file descriptor above 65535 (lower --parallel)");
    EXPECT_EQ(descriptor_problem(1 << 20), "file descriptor above 65535 (lower --parallel)");
}
