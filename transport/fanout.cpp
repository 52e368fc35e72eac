#include "transport/fanout.hpp"

#include "transport/bastion_pool.hpp"

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
    // Declared before the node sessions so it outlives them: their tunnels are channels on
    // the bastions' sessions.
    BastionPool bastions(settings, limits.jump_parallel);
    std::vector<std::unique_ptr<NodeSession>> active;
    active.reserve(std::min(parallel, targets.size()));
    std::vector<pollfd> fds;
    std::vector<std::ptrdiff_t> owners; // per fd: index into active, or -1 - bastion index
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
    // A bastion whose connection ended: end every node tunnelled through it (or through a
    // bastion behind it), then re-establish it once or mark it failed. Deepest first.
    auto settle_dropped_bastions = [&](Clock::time_point now) {
        auto all = bastions.all();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            Bastion* bastion = *it;
            if (!bastion->session || !bastion->session->done()) {
                continue;
            }
            for (auto& session : active) {
                if (session->tunnelled() && BastionPool::behind(session->via(), bastion)) {
                    session->abort(NodeStatus::unreachable, "jump-failed",
                                   "connection to bastion " + describe(bastion->host) + " lost",
                                   now);
                }
            }
            reap();
            for (Bastion* child : all) {
                if (child != bastion && child->session && child->session->tunnelled() &&
                    BastionPool::behind(child, bastion)) {
                    child->session->abort(
                        NodeStatus::unreachable, "jump-failed",
                        "connection to bastion " + describe(bastion->host) + " lost", now);
                }
            }
            bastions.settle(bastion, now);
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
            const NodeTarget& target = targets[next];
            Bastion* via = bastions.get(target.jumps, target.jumps.size(), target.user, now);
            active.push_back(std::make_unique<NodeSession>(next, target, job, settings, now, via));
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
        owners.clear();
        const auto all_bastions = bastions.all();
        for (std::size_t b = 0; b < all_bastions.size(); ++b) {
            if (all_bastions[b]->session) {
                all_bastions[b]->session->poll_fds(fds);
                owners.resize(fds.size(), -1 - std::ptrdiff_t(b));
                wake = std::min(wake, all_bastions[b]->session->next_timer());
            }
        }
        for (std::size_t i = 0; i < active.size(); ++i) {
            wake = std::min(wake, active[i]->next_timer());
            active[i]->poll_fds(fds);
            owners.resize(fds.size(), std::ptrdiff_t(i));
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
        int ready = ::poll(fds.data(), fds.size(), int(std::clamp<long>(wait.count(), 0, 100)));
        now = Clock::now();

        std::vector<bool> node_ready(active.size(), ready == 0);
        std::vector<bool> bastion_ready(all_bastions.size(), ready == 0);
        for (std::size_t f = 0; f < fds.size(); ++f) {
            if (fds[f].revents != 0) {
                if (owners[f] >= 0) {
                    node_ready[std::size_t(owners[f])] = true;
                } else {
                    bastion_ready[std::size_t(-1 - owners[f])] = true;
                }
            }
        }
        // Bastions first: what they read is channel data the tunnelled sessions then pump.
        for (std::size_t b = 0; b < all_bastions.size(); ++b) {
            Bastion* bastion = all_bastions[b];
            // A chained bastion's bytes arrive on its parent's socket (parents come first).
            bool parent_moved = false;
            for (std::size_t p = 0; p < b; ++p) {
                parent_moved =
                    parent_moved || (bastion_ready[p] && all_bastions[p] == bastion->parent);
            }
            if (bastion->session &&
                (bastion_ready[b] || parent_moved || now >= bastion->session->next_timer() ||
                 bastion->session->linking())) {
                bastion->session->step(now);
                bastion_ready[b] = true;
            }
            if (bastion->session && bastion->session->ready()) {
                bastion->was_up = true;
            }
        }
        settle_dropped_bastions(now);
        for (std::size_t i = 0; i < active.size(); ++i) {
            bool via_moved = false;
            for (std::size_t b = 0; b < all_bastions.size(); ++b) {
                via_moved = via_moved || (bastion_ready[b] &&
                                          BastionPool::behind(active[i]->via(), all_bastions[b]));
            }
            if (node_ready[i] || via_moved || active[i]->linking() ||
                now >= active[i]->next_timer()) {
                active[i]->step(now);
            }
        }
        reap();
    }
}

} // namespace breakglass::transport
