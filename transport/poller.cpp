#include "transport/poller.hpp"

#include "base/system_error.hpp"

#include <cerrno>

namespace breakglass::transport {

namespace {

// Readiness reports taken per wait; more simply wait for the next call (level-triggered).
constexpr std::size_t k_max_ready = 256;

std::uint32_t events_of(const WaitFd& wait) {
    return EPOLLIN | (wait.write ? std::uint32_t(EPOLLOUT) : 0U);
}

} // namespace

tl::expected<Poller, std::string> Poller::create() {
    Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll) {
        return tl::unexpected("epoll_create1: " + base::errno_text(errno));
    }
    return Poller(std::move(epoll));
}

Poller::Poller(Fd epoll) : m_epoll(std::move(epoll)), m_ready(k_max_ready) {}

tl::expected<void, std::string> Poller::update(std::uint64_t token, WaitSet& registered,
                                               const WaitSet& wanted) {
    if (auto done = update_one(token, registered.socket, wanted.socket); !done) {
        return done;
    }
    return update_one(token, registered.tunnel, wanted.tunnel);
}

tl::expected<void, std::string> Poller::update_one(std::uint64_t token, WaitFd& registered,
                                                   const WaitFd& wanted) {
    if (registered == wanted) {
        return {};
    }
    epoll_event event{};
    event.events = events_of(wanted);
    event.data.u64 = token;
    if (registered.fd == wanted.fd) {
        if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_MOD, wanted.fd, &event) != 0) {
            return tl::unexpected("epoll_ctl: " + base::errno_text(errno));
        }
        registered = wanted;
        return {};
    }
    // Never EPOLL_CTL_DEL: a descriptor leaves a session's wait set only once it is closed
    // (libssh closes its socket itself on errors, unseen by us), and the kernel drops a closed
    // descriptor from the set by itself. Removing it by number could instead remove another
    // session's descriptor that has taken the number since.
    registered = WaitFd{};
    if (wanted.fd >= 0) {
        if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, wanted.fd, &event) != 0) {
            return tl::unexpected("epoll_ctl: " + base::errno_text(errno));
        }
        registered = wanted;
    }
    return {};
}

std::size_t Poller::wait(std::chrono::nanoseconds timeout) {
    const auto millis = std::chrono::ceil<std::chrono::milliseconds>(
        std::max(timeout, std::chrono::nanoseconds::zero()));
    const int n = ::epoll_wait(m_epoll.get(), m_ready.data(), int(m_ready.size()),
                               int(std::min<long long>(millis.count(), 24LL * 3600 * 1000)));
    return n > 0 ? std::size_t(n) : 0;
}

} // namespace breakglass::transport
