#pragma once

#include <string>

namespace breakglass::transport {

/// The libssh version this binary runs with (not the one it was compiled against).
std::string libssh_version();

} // namespace breakglass::transport
