#include "base/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>

#include <gtest/gtest.h>

namespace {

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

TEST(BaseUniqueFd, ClosesOnceWhenTheLastOwnerGoes) {
    const int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(raw, 0);
    {
        breakglass::base::UniqueFd first(raw);
        breakglass::base::UniqueFd second(std::move(first));
        EXPECT_FALSE(first); // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
        EXPECT_EQ(second.get(), raw);
        breakglass::base::UniqueFd third;
        third = std::move(second);
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(BaseUniqueFd, ReleaseHandsTheDescriptorOverAndResetCloses) {
    const int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(raw, 0);
    {
        breakglass::base::UniqueFd owner(raw);
        EXPECT_EQ(owner.release(), raw);
        EXPECT_FALSE(owner);
    }
    EXPECT_TRUE(is_open(raw)); // released: the new owner closes it
    breakglass::base::UniqueFd again(raw);
    again.reset();
    EXPECT_FALSE(is_open(raw));
    EXPECT_FALSE(again);
}

} // namespace
