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
    const auto page_size = static_cast<std::size_t>(page);
    // Offsets rather than integers turned back into pointers: the range stays derived from
    // `data`.
    const std::size_t misaligned = reinterpret_cast<std::uintptr_t>(data) % page_size;
    const std::size_t skip = misaligned == 0 ? 0 : page_size - misaligned;
    if (bytes <= skip) {
        return;
    }
    const std::size_t length = (bytes - skip) / page_size * page_size;
    if (length > 0) {
        // The result is ignored on purpose: EINVAL (no THP support) leaves normal pages.
        (void)::madvise(static_cast<char*>(data) + skip, length, MADV_HUGEPAGE);
    }
}

} // namespace breakglass::base
