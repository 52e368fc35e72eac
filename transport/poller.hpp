#pragma once

#include "transport/tcp_connect.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <sys/epoll.h>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// One descriptor a session waits on: always for reading (and hang-up), for writing too when
/// `write` is set. fd < 0: nothing to wait on.
struct WaitFd {
    int fd = -1;
    bool write = false;
    bool operator==(const WaitFd&) const = default;
};

/// Everything one session waits on: its SSH socket (or the socket still connecting) and, when
/// tunnelled through a bastion, the local end of its channel pump.
struct WaitSet {
    WaitFd socket;
    WaitFd tunnel;
    bool operator==(const WaitSet&) const = default;
};

/// An epoll instance holding a persistent interest set, so a wake-up costs O(ready descriptors)
/// instead of O(descriptors watched). Level-triggered: a descriptor with unread data keeps
/// reporting, so a session that stops short of draining its socket is woken again.
class Poller {
public:
    /// A new epoll instance, or the system's reason (out of descriptors or memory).
    static tl::expected<Poller, std::string> create();

    /// Brings the kernel's interest set from `registered` to `wanted` for one session, with
    /// one epoll_ctl per descriptor that is new or waits for other events, none otherwise.
    /// A descriptor that left the set must already be closed (the kernel drops it then): the
    /// owner closes descriptors, never this class. Fails when the kernel refuses to watch a
    /// descriptor (out of memory, max_user_watches).
    tl::expected<void, std::string> update(std::uint64_t token, WaitSet& registered,
                                           const WaitSet& wanted);

    /// Waits up to `timeout` (rounded up to whole milliseconds, so a timer is never polled
    /// early in a busy loop); returns how many descriptors are ready (0 on timeout or a
    /// signal). Their tokens are token(0) .. token(n - 1) until the next wait.
    std::size_t wait(std::chrono::nanoseconds timeout);
    std::uint64_t token(std::size_t i) const { return m_ready[i].data.u64; }

private:
    explicit Poller(Fd epoll);
    tl::expected<void, std::string> update_one(std::uint64_t token, WaitFd& registered,
                                               const WaitFd& wanted);

    Fd m_epoll;
    std::vector<epoll_event> m_ready;
};

} // namespace breakglass::transport
