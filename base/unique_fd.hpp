#pragma once

#include <unistd.h>

namespace breakglass::base {

/// A move-only owner of one file descriptor: closed exactly once, when the owner goes (or at
/// reset), unless released to a new owner (libssh, which closes it in ssh_free).
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = other.release();
        }
        return *this;
    }
    ~UniqueFd() { reset(); }

    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }

    /// Gives up ownership: the caller closes it now.
    int release() {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

    void reset() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    int m_fd = -1;
};

} // namespace breakglass::base
