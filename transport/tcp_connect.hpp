#pragma once

#include <cstdint>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// A move-only owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd();
    Fd(Fd&& other) noexcept : m_fd(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return m_fd; }
    /// Gives up ownership (e.g. to libssh, which closes it in ssh_free).
    int release();
    explicit operator bool() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

/// Starts a nonblocking TCP connect to an IP literal (v4 or v6; names are never resolved here).
/// The socket is ready when writable; then check it with finish_connect().
tl::expected<Fd, std::string> start_connect(const std::string& address, std::uint16_t port);

/// After the socket became writable: empty on success, else the system's reason.
std::string finish_connect(int fd);

} // namespace breakglass::transport
