#include "transport/fanout.hpp"

#include "transport/bastion_pool.hpp"
#include "transport/poller.hpp"
#include "transport/timer_queue.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

// The longest the loop sleeps; after a wait that saw no readiness, at most this often every
// session is stepped anyway, in case libssh holds data it has already read from the socket.
constexpr std::chrono::milliseconds k_sweep_period{100};

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

NodeResult never_started(NodeStatus status, Reason reason, const std::string& message) {
    NodeResult result;
    result.status = status;
    result.reason = reason;
    result.message = message;
    return result;
}

// Epoll tokens: a node slot's index with the low bit set (the bastion pool's have it clear).
std::uint64_t slot_token(std::size_t slot) {
    return (std::uint64_t(slot) << 1U) | 1U;
}

// The event loop of one run: the node slots, their start pacing and deadlines; the bastions'
// connections are the BastionPool's. Each wake-up costs O(what is ready): descriptors stay
// registered with epoll for a session's lifetime (changed only when the events it waits for
// change), deadlines sit in a heap, and only sessions that are ready, expired, or behind a
// bastion that moved are stepped.
class FanOut {
public:
    FanOut(const std::vector<NodeTarget>& targets, const NodeJob& job,
           const SessionSettings& settings, const FanOutLimits& limits,
           const NodeFinished& on_finished, Poller poller);

    void run();

private:
    struct Slot {
        std::unique_ptr<NodeSession> session; // nullptr: free
        WaitSet registered;                   // what epoll holds for it
        Clock::time_point timer = Clock::time_point::max();
        std::uint64_t stamp = 0;   // bumped on every new timer and reuse: stale heap entries
        std::uint64_t stepped = 0; // the wake-up it was last queued or stepped in
        bool finished = false;     // queued for reaping
    };

    void start_due(Clock::time_point now);
    void wait_and_step(Clock::time_point now);
    void step_behind_moved_bastions(Clock::time_point now);
    void step_slot(std::size_t slot, Clock::time_point now);
    void after_step(std::size_t slot, Clock::time_point now);
    void queue(std::size_t slot);
    void reap();
    void stop_all(NodeStatus status, Reason reason, const std::string& message,
                  Reason unstarted_reason);
    void skip_unstarted(Reason reason);
    void end_nodes_behind(const Bastion& dropped, const std::string& message,
                          Clock::time_point now);
    bool timer_current(std::size_t slot, std::uint64_t stamp) const {
        return m_slots[slot].session && m_slots[slot].stamp == stamp;
    }
    template <class F> void for_each_slot_behind(const Bastion* ancestor, const F& f);

    const std::vector<NodeTarget>& m_targets;
    const NodeJob& m_job;
    const SessionSettings& m_settings;
    const NodeFinished& m_on_finished;
    const std::size_t m_parallel;
    const std::atomic<bool>* m_cancel;
    const std::function<Reason()>& m_hold;
    Reason m_held = Reason::none; // why no more nodes start, once one said so
    const Clock::time_point m_run_deadline;
    StartPacer m_pacer;
    Poller m_poller;
    // Declared before the slots so it outlives the node sessions: their tunnels are channels
    // on the bastions' sessions.
    BastionPool m_bastions;
    std::vector<Slot> m_slots;
    std::vector<std::size_t> m_free;
    std::unordered_map<const Bastion*, std::vector<std::size_t>> m_behind; // slots by `via`
    std::vector<std::size_t> m_to_step;
    std::vector<std::size_t> m_finished;
    TimerQueue m_timers;
    std::size_t m_next = 0;
    std::size_t m_active = 0;
    std::uint64_t m_wakeup = 1;
    Clock::time_point m_last_sweep;
};

FanOut::FanOut(const std::vector<NodeTarget>& targets, const NodeJob& job,
               const SessionSettings& settings, const FanOutLimits& limits,
               const NodeFinished& on_finished, Poller poller)
    : m_targets(targets), m_job(job), m_settings(settings), m_on_finished(on_finished),
      m_parallel(std::size_t(std::max(1, limits.parallel))), m_cancel(limits.cancel),
      m_hold(limits.hold),
      m_run_deadline(limits.deadline.count() > 0 ? Clock::now() + limits.deadline
                                                 : Clock::time_point::max()),
      m_pacer(limits.rate, Clock::now()), m_poller(std::move(poller)),
      m_bastions(settings, limits.jump_parallel), m_last_sweep(Clock::now()) {
    m_slots.reserve(std::min(m_parallel, targets.size()));
}

void FanOut::run() {
    while (m_next < m_targets.size() || m_active > 0) {
        const auto now = Clock::now();
        if (m_cancel != nullptr && m_cancel->load()) {
            stop_all(NodeStatus::error, Reason::interrupted, "interrupted", Reason::interrupted);
            return;
        }
        if (m_held != Reason::none && m_active == 0) {
            skip_unstarted(m_held);
            return;
        }
        if (now >= m_run_deadline) {
            stop_all(NodeStatus::timeout, Reason::deadline, "run deadline reached",
                     Reason::deadline_not_started);
            return;
        }
        start_due(now);
        reap();
        if (m_next < m_targets.size() || m_active > 0) {
            wait_and_step(now);
        }
    }
}

void FanOut::start_due(Clock::time_point now) {
    while (m_held == Reason::none && m_active < m_parallel && m_next < m_targets.size() &&
           m_pacer.may_start(now)) {
        if (m_hold) {
            m_held = m_hold();
            if (m_held != Reason::none) {
                break;
            }
        }
        const NodeTarget& target = m_targets[m_next];
        Bastion* via = m_bastions.get(target.jumps, target.jumps.size(), target.user, now);
        if (m_free.empty()) {
            m_free.push_back(m_slots.size());
            m_slots.emplace_back();
        }
        const std::size_t slot = m_free.back();
        m_free.pop_back();
        m_slots[slot].session = std::make_unique<NodeSession>(
            m_next, target, target.job ? *target.job : m_job, m_settings, now, via);
        if (via != nullptr) {
            m_behind[via].push_back(slot);
        }
        ++m_active;
        step_slot(slot, now);
        m_pacer.started(now);
        ++m_next;
    }
    m_bastions.watch(m_poller, now); // new bastions register their sockets
}

void FanOut::wait_and_step(Clock::time_point now) {
    ++m_wakeup;
    // Wait for readiness, the nearest phase deadline, the next start slot or the run deadline.
    auto wake = std::min(m_run_deadline, now + k_sweep_period);
    if (m_held == Reason::none && m_active < m_parallel && m_next < m_targets.size()) {
        wake = std::min(wake, m_pacer.next());
    }
    const auto current = [this](std::size_t slot, std::uint64_t stamp) {
        return timer_current(slot, stamp);
    };
    wake = std::min(wake, m_timers.next(current));
    wake = std::min(wake, m_bastions.next_timer());
    const std::size_t ready = m_poller.wait(wake - now);
    now = Clock::now();

    for (std::size_t i = 0; i < ready; ++i) {
        const std::uint64_t token = m_poller.token(i);
        if (BastionPool::is_bastion_token(token)) {
            m_bastions.socket_ready(token);
        } else {
            queue(std::size_t(token >> 1U));
        }
    }
    if (ready == 0 && now - m_last_sweep >= k_sweep_period) {
        m_last_sweep = now;
        for (std::size_t slot = 0; slot < m_slots.size(); ++slot) {
            if (m_slots[slot].session) {
                queue(slot);
            }
        }
        m_bastions.sweep();
    }
    m_timers.pop_due(now, current, [this](std::size_t slot) { queue(slot); });

    // Bastions first: what they read is channel data the tunnelled sessions then pump.
    const auto end_nodes = [this, now](const Bastion& dropped, const std::string& message) {
        end_nodes_behind(dropped, message, now);
    };
    m_bastions.step(now);
    m_bastions.settle_dropped(now, end_nodes);
    // By index: stepping a slot may append to m_to_step, which would invalidate iterators.
    // NOLINTNEXTLINE(modernize-loop-convert)
    for (std::size_t i = 0; i < m_to_step.size(); ++i) {
        step_slot(m_to_step[i], now);
    }
    m_to_step.clear();
    step_behind_moved_bastions(now);
    // A tunnel's read may have found its bastion's connection gone: settle it now rather than
    // when the socket (which libssh may have closed) reports it.
    m_bastions.settle_lost(now, end_nodes);
    m_bastions.watch(m_poller, now); // a tunnel's writes may have left bytes queued on it
    reap();

    // Compact the heap when stale entries (deadlines replaced before they came) dominate.
    if (m_timers.size() > 4 * m_slots.size() + 64) {
        m_timers.clear();
        for (std::size_t slot = 0; slot < m_slots.size(); ++slot) {
            if (m_slots[slot].session && m_slots[slot].timer != Clock::time_point::max()) {
                m_timers.schedule(slot, m_slots[slot].stamp, m_slots[slot].timer);
            }
        }
    }
}

// Ends every node tunnelled through `dropped` (or a bastion behind it) and frees it: its
// channel lives on the bastion's session, which the pool frees next.
void FanOut::end_nodes_behind(const Bastion& dropped, const std::string& message,
                              Clock::time_point now) {
    for_each_slot_behind(&dropped, [&](std::size_t slot) {
        NodeSession& session = *m_slots[slot].session;
        if (session.tunnelled()) {
            session.abort(NodeStatus::unreachable, Reason::jump_failed, message, now);
            after_step(slot, now);
        }
    });
    reap();
}

template <class F> void FanOut::for_each_slot_behind(const Bastion* ancestor, const F& f) {
    for (const Bastion* bastion : m_bastions.all()) {
        if (!BastionPool::behind(bastion, ancestor)) {
            continue;
        }
        auto found = m_behind.find(bastion);
        if (found == m_behind.end()) {
            continue;
        }
        // By index: f may end a session, and reaping (not f) edits the list.
        // NOLINTNEXTLINE(modernize-loop-convert)
        for (std::size_t i = 0; i < found->second.size(); ++i) {
            f(found->second[i]);
        }
    }
}

// Sessions behind a bastion are stepped when it moved, or when one of them was stepped (libssh
// may then have read the bastion's socket, holding data for the others).
void FanOut::step_behind_moved_bastions(Clock::time_point now) {
    for (const Bastion* bastion : m_bastions.all()) {
        if (m_bastions.stirred(*bastion)) {
            for_each_slot_behind(bastion, [&](std::size_t slot) {
                if (m_slots[slot].stepped != m_wakeup) {
                    step_slot(slot, now);
                }
            });
        }
    }
    // Sessions that ended freed their channels: those waiting for a channel slot may link now
    // (which may end more of them, hence the loop; each round needs a channel freed).
    for (const Bastion* bastion : m_bastions.all()) {
        for (int seen = m_bastions.channels_at_last_wakeup(*bastion); bastion->channels() < seen;) {
            seen = bastion->channels();
            for_each_slot_behind(bastion, [&](std::size_t slot) {
                if (m_slots[slot].session->linking()) {
                    step_slot(slot, now);
                }
            });
        }
    }
    m_bastions.end_wakeup();
}

void FanOut::queue(std::size_t slot) {
    if (m_slots[slot].stepped != m_wakeup && m_slots[slot].session) {
        m_slots[slot].stepped = m_wakeup;
        m_to_step.push_back(slot);
    }
}

void FanOut::step_slot(std::size_t slot, Clock::time_point now) {
    Slot& entry = m_slots[slot];
    entry.stepped = m_wakeup;
    if (!entry.session || entry.finished) {
        return;
    }
    entry.session->step(now);
    if (Bastion* via = entry.session->via(); via != nullptr) {
        m_bastions.touched(*via);
    }
    after_step(slot, now);
}

// Brings epoll and the timer heap up to date with what the session now waits for.
void FanOut::after_step(std::size_t slot, Clock::time_point now) {
    Slot& entry = m_slots[slot];
    if (entry.finished) {
        return;
    }
    if (!entry.session->done()) {
        auto watched =
            m_poller.update(slot_token(slot), entry.registered, entry.session->wait_set());
        if (!watched) {
            entry.session->abort(NodeStatus::error, Reason::event_loop,
                                 "cannot wait for the connection: " + watched.error(), now);
        }
    }
    if (entry.session->done()) {
        // No removal from epoll: its descriptors are closed by now or when it is freed in
        // reap(), before any new descriptor can take their numbers, and the kernel drops a
        // closed descriptor itself.
        entry.registered = WaitSet{};
        entry.finished = true;
        m_finished.push_back(slot);
        return;
    }
    if (const auto timer = entry.session->next_timer(); timer != entry.timer) {
        entry.timer = timer;
        ++entry.stamp;
        if (timer != Clock::time_point::max()) {
            m_timers.schedule(slot, entry.stamp, timer);
        }
    }
}

void FanOut::reap() {
    for (const std::size_t slot : m_finished) {
        Slot& entry = m_slots[slot];
        m_on_finished(entry.session->index(), entry.session->take_result());
        if (const Bastion* via = entry.session->via(); via != nullptr) {
            auto& list = m_behind[via];
            auto found = std::find(list.begin(), list.end(), slot);
            *found = list.back();
            list.pop_back();
        }
        entry.session.reset();
        entry.timer = Clock::time_point::max();
        ++entry.stamp;
        entry.finished = false;
        m_free.push_back(slot);
        --m_active;
    }
    m_finished.clear();
}

void FanOut::stop_all(NodeStatus status, Reason reason, const std::string& message,
                      Reason unstarted_reason) {
    const auto now = Clock::now();
    std::vector<std::size_t> live;
    for (std::size_t slot = 0; slot < m_slots.size(); ++slot) {
        if (m_slots[slot].session && !m_slots[slot].finished) {
            live.push_back(slot);
        }
    }
    // In start order, as the nodes were listed.
    std::sort(live.begin(), live.end(), [this](std::size_t a, std::size_t b) {
        return m_slots[a].session->index() < m_slots[b].session->index();
    });
    for (const std::size_t slot : live) {
        m_slots[slot].session->abort(status, reason, message, now);
        after_step(slot, now);
    }
    reap();
    if (unstarted_reason == Reason::interrupted) {
        skip_unstarted(unstarted_reason);
        return;
    }
    for (; m_next < m_targets.size(); ++m_next) {
        m_on_finished(m_next, never_started(status, unstarted_reason, message + " before start"));
    }
}

// Nodes never contacted: `skipped`, with why the run did not start them.
void FanOut::skip_unstarted(Reason reason) {
    const std::string message = not_started_message(reason);
    for (; m_next < m_targets.size(); ++m_next) {
        m_on_finished(m_next, never_started(NodeStatus::skipped, reason, message));
    }
}

} // namespace

void run_fanout(const std::vector<NodeTarget>& targets, const NodeJob& job,
                const SessionSettings& settings, const FanOutLimits& limits,
                const NodeFinished& on_finished) {
    init_libssh_once();
    auto poller = Poller::create();
    if (!poller) {
        for (std::size_t node = 0; node < targets.size(); ++node) {
            on_finished(node, never_started(NodeStatus::error, Reason::event_loop,
                                            "cannot start the event loop: " + poller.error()));
        }
        return;
    }
    FanOut(targets, job, settings, limits, on_finished, std::move(*poller)).run();
}

} // namespace breakglass::transport
