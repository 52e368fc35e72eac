#include "transport/libssh_version.hpp"

#include <libssh/libssh.h>

namespace breakglass::transport {

std::string libssh_version() {
    // ssh_version(0) returns the runtime version string without a version check.
    const char* version = ssh_version(0);
    return version != nullptr ? version : "unknown";
}

} // namespace breakglass::transport
