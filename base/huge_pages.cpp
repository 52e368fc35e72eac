#include "base/huge_pages.hpp"

#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

namespace breakglass::base {

void advise_huge_pages(void* data, std::size_t bytes) noexcept {
    const long page = ::sysconf(_SC_PAGESIZE);
    if (data == nullptr || page <= 0) {
        return;
    }
    const auto page_size = static_cast<std::uintptr_t>(page);
    const auto start = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t begin = (start + page_size - 1) / page_size * page_size;
    const std::uintptr_t end = (start + bytes) / page_size * page_size;
    if (end > begin) {
        // The result is ignored on purpose: EINVAL (no THP support) leaves normal pages.
        (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    }
}

} // namespace breakglass::base
