// advise_huge_pages() must advise exactly the whole pages inside the range it is given: the
// kernel marks an advised mapping "hg" in /proc/self/smaps, splitting it where the advice
// starts and ends, so the test reads back which pages carry the mark.
#include "base/huge_pages.hpp"

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

// Whether the mapping holding `address` carries the huge-page advice ("hg" in its VmFlags).
bool advised(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0;
        std::uintptr_t end = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> begin >> dash >> end && dash == '-') {
            inside = at >= begin && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return (line + " ").find(" hg ") != std::string::npos;
        }
    }
    return false;
}

} // namespace

TEST(BaseHugePages, AdvisesExactlyTheWholePagesInside) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t size = 16 * page;
    void* mapped =
        ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mapped, MAP_FAILED);
    char* base = static_cast<char*>(mapped);
    if (::madvise(base + 15 * page, page, MADV_HUGEPAGE) != 0) {
        const int error = errno;
        ::munmap(mapped, size);
        GTEST_SKIP() << "this kernel has no transparent huge pages (madvise: errno " << error
                     << ")";
    }
    // From 3 bytes into page 2 to 5 bytes into page 9: pages 3 to 8 are whole.
    breakglass::base::advise_huge_pages(base + 2 * page + 3, 7 * page + 2);
    EXPECT_FALSE(advised(base));
    EXPECT_FALSE(advised(base + 2 * page));
    EXPECT_TRUE(advised(base + 3 * page));
    EXPECT_TRUE(advised(base + 8 * page));
    EXPECT_FALSE(advised(base + 9 * page));
    EXPECT_TRUE(advised(base + 15 * page)); // the probe above
    // Ranges with no whole page in them, and no range at all: nothing advised, nothing fails.
    breakglass::base::advise_huge_pages(base + 10 * page + 1, page);
    breakglass::base::advise_huge_pages(base + 11 * page, 0);
    breakglass::base::advise_huge_pages(nullptr, size);
    EXPECT_FALSE(advised(base + 10 * page));
    EXPECT_FALSE(advised(base + 11 * page));
    ::munmap(mapped, size);
}
