#pragma once

#include <cstddef>

namespace breakglass::base {

/// Asks the kernel to back [data, data + bytes) with transparent huge pages where it can: a
/// large array filled once (50,000 nodes of a loaded cache) then takes a few hundred page faults
/// instead of thousands. Only whole pages inside the range are advised. A hint: on a kernel
/// without transparent huge pages, or with them off, nothing changes and nothing fails.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

} // namespace breakglass::base
