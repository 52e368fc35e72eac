#pragma once

#include "base/unique_fd.hpp"

#include <cstdint>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// A move-only owned file descriptor (released to libssh, which closes it in ssh_free).
using Fd = base::UniqueFd;

/// Starts a nonblocking TCP connect to an IP literal (v4 or v6; names are never resolved here).
/// The socket is ready when writable; then check it with finish_connect().
tl::expected<Fd, std::string> start_connect(const std::string& address, std::uint16_t port);

/// After the socket became writable: empty on success, else the system's reason.
std::string finish_connect(int fd);

} // namespace breakglass::transport
