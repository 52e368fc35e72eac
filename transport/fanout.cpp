#include "transport/fanout.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <poll.h>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

// How long the loop sleeps at most: also the period at which sessions are stepped even
// without readiness, in case libssh holds data it has already read.
constexpr std::chrono::milliseconds k_max_poll_wait{100};

void init_libssh_once() {
    static std::once_flag once;
    std::call_once(once, [] { ssh_init(); });
}

// Token bucket with a burst of one: connection i starts no earlier than start + i / rate.
class StartPacer {
public:
    StartPacer(int rate, Clock::time_point start) : m_rate(rate), m_next(start) {}
    bool may_start(Clock::time_point now) const { return m_rate <= 0 || now >= m_next; }
    void started(Clock::time_point now) {
        if (m_rate > 0) {
            m_next = std::max(m_next, now - std::chrono::milliseconds(1000 / m_rate)) +
                     std::chrono::microseconds(1'000'000 / m_rate);
        }
    }
    Clock::time_point next() const { return m_rate <= 0 ? Clock::time_point::max() : m_next; }

private:
    int m_rate;
    Clock::time_point m_next;
};

NodeResult never_started(NodeStatus status, const std::string& reason, const std::string& message) {
    NodeResult result;
    result.status = status;
    result.reason = reason;
    result.message = message;
    return result;
}

} // namespace

void run_fanout(const std::vector<NodeTarget>& targets, const NodeJob& job,
                const SessionSettings& settings, const FanOutLimits& limits,
                const NodeFinished& on_finished) {
    init_libssh_once();
    const auto started = Clock::now();
    const auto run_deadline =
        limits.deadline.count() > 0 ? started + limits.deadline : Clock::time_point::max();
    const std::size_t parallel = std::size_t(std::max(1, limits.parallel));
    StartPacer pacer(limits.rate, started);
    std::vector<std::unique_ptr<NodeSession>> active;
    active.reserve(std::min(parallel, targets.size()));
    std::vector<pollfd> fds;
    std::size_t next = 0;

    auto reap = [&] {
        auto finished = std::stable_partition(active.begin(), active.end(),
                                              [](const auto& session) { return !session->done(); });
        for (auto it = finished; it != active.end(); ++it) {
            on_finished((*it)->index(), (*it)->take_result());
        }
        active.erase(finished, active.end());
    };
    auto stop_all = [&](NodeStatus status, const std::string& reason, const std::string& message,
                        const std::string& unstarted_reason) {
        const auto now = Clock::now();
        for (auto& session : active) {
            session->abort(status, reason, message, now);
        }
        reap();
        for (; next < targets.size(); ++next) {
            on_finished(next, never_started(status, unstarted_reason, message + " before start"));
        }
    };

    while (next < targets.size() || !active.empty()) {
        auto now = Clock::now();
        if (limits.cancel != nullptr && limits.cancel->load()) {
            stop_all(NodeStatus::error, "interrupted", "interrupted", "interrupted");
            return;
        }
        if (now >= run_deadline) {
            stop_all(NodeStatus::timeout, "deadline", "run deadline reached",
                     "deadline-not-started");
            return;
        }
        while (active.size() < parallel && next < targets.size() && pacer.may_start(now)) {
            active.push_back(
                std::make_unique<NodeSession>(next, targets[next], job, settings, now));
            active.back()->step(now);
            pacer.started(now);
            ++next;
        }
        reap();

        // Wait for readiness, the nearest phase deadline, the next start slot or the run deadline.
        auto wake = std::min(run_deadline, now + k_max_poll_wait);
        if (active.size() < parallel && next < targets.size()) {
            wake = std::min(wake, pacer.next());
        }
        fds.clear();
        for (const auto& session : active) {
            wake = std::min(wake, session->next_timer());
            short events = POLLIN;
            if (session->wants_write()) {
                events = short(events | POLLOUT);
            }
            fds.push_back({session->fd(), events, 0});
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
        int ready = ::poll(fds.data(), fds.size(), int(std::clamp<long>(wait.count(), 0, 100)));
        now = Clock::now();
        for (std::size_t i = 0; i < active.size(); ++i) {
            if (ready == 0 || fds[i].revents != 0 || now >= active[i]->next_timer()) {
                active[i]->step(now);
            }
        }
        reap();
    }
}

} // namespace breakglass::transport
