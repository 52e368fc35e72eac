#include "transport/bastion_pool.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace breakglass::transport {

namespace {

int depth(const Bastion* bastion) {
    int hops = 0;
    for (; bastion != nullptr; bastion = bastion->parent()) {
        ++hops;
    }
    return hops;
}

std::uint64_t token_of(const Bastion* bastion) {
    return std::uint64_t(reinterpret_cast<std::uintptr_t>(bastion));
}

} // namespace

bool should_reconnect(bool had_been_up, int reconnects_left, bool parent_failed) {
    return had_been_up && reconnects_left > 0 && !parent_failed;
}

BastionPool::BastionPool(const SessionSettings& settings, int channel_limit)
    : m_settings(settings), m_channel_limit(std::max(1, channel_limit)) {
    m_job.keep_open = true;
}

BastionPool::~BastionPool() {
    // Children first: their tunnels are channels on their parents' sessions.
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        (*it)->m_session.reset();
    }
}

bool BastionPool::behind(const Bastion* bastion, const Bastion* ancestor) {
    for (; bastion != nullptr; bastion = bastion->parent()) {
        if (bastion == ancestor) {
            return true;
        }
    }
    return false;
}

Bastion* BastionPool::get(const std::vector<JumpHost>& chain, std::size_t hops,
                          const std::string& user, Clock::time_point now) {
    if (hops == 0) {
        return nullptr;
    }
    std::string key = describe(chain, hops);
    if (auto found = m_bastions.find(key); found != m_bastions.end()) {
        return found->second.get();
    }
    Bastion* parent = get(chain, hops - 1, user, now);
    const JumpHost& hop = chain[hops - 1];
    auto bastion = std::make_unique<Bastion>(hop, key, parent, hop.user.empty() ? user : hop.user,
                                             m_channel_limit);
    Bastion* raw = bastion.get();
    m_bastions.emplace(std::move(key), std::move(bastion));
    // After the last bastion no deeper than this one: parents stay before children.
    const int hops_here = depth(raw);
    m_order.insert(std::upper_bound(m_order.begin(), m_order.end(), hops_here,
                                    [](int limit, const Bastion* b) { return limit < depth(b); }),
                   raw);
    connect(*raw, now);
    return raw;
}

void BastionPool::connect(Bastion& bastion, Clock::time_point now) {
    // Bastions are checked like nodes: their keys come from known_hosts (never trusted on first
    // use unless --accept-new-host-keys), and they authenticate with the run's credentials.
    NodeTarget target{describe(bastion.m_host),
                      bastion.m_host.address,
                      bastion.m_host.port,
                      bastion.m_user,
                      {},
                      BecomeMethod::none,
                      {},
                      nullptr};
    bastion.m_session =
        std::make_unique<NodeSession>(std::numeric_limits<std::size_t>::max(), std::move(target),
                                      m_job, m_settings, now, bastion.m_parent);
    bastion.m_session->step(now);
}

Clock::time_point BastionPool::next_timer() const {
    auto nearest = Clock::time_point::max();
    for (const Bastion* bastion : m_order) {
        if (bastion->m_session) {
            nearest = std::min(nearest, bastion->m_session->next_timer());
        }
    }
    return nearest;
}

void BastionPool::socket_ready(std::uint64_t token) {
    // Bastions live as long as the pool, so a token never outlives its bastion.
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the wait set's token is the pointer it was given
    reinterpret_cast<Bastion*>(std::uintptr_t(token))->m_ready = true;
}

void BastionPool::sweep() {
    for (Bastion* bastion : m_order) {
        bastion->m_ready = true;
    }
}

void BastionPool::step(Clock::time_point now) {
    for (Bastion* bastion : m_order) {
        const bool parent_moved = bastion->m_parent != nullptr && bastion->m_parent->m_moved;
        NodeSession* session = bastion->m_session.get();
        if (session != nullptr && (bastion->m_ready || parent_moved ||
                                   now >= session->next_timer() || session->linking())) {
            session->step(now);
            bastion->m_moved = true;
        }
        if (session != nullptr && session->ready()) {
            bastion->m_was_up = true;
        }
    }
}

void BastionPool::settle_dropped(Clock::time_point now, const EndNodesBehind& end_nodes_behind) {
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        Bastion& bastion = **it;
        if (!bastion.m_session || !bastion.m_session->done()) {
            continue;
        }
        const std::string message = "connection to bastion " + describe(bastion.m_host) + " lost";
        end_nodes_behind(bastion, message);
        for (Bastion* other : m_order) {
            if (other != &bastion && other->m_session && other->m_session->tunnelled() &&
                behind(other, &bastion)) {
                other->m_session->abort(NodeStatus::unreachable, Reason::jump_failed, message, now);
            }
        }
        settle(bastion, now);
    }
}

// Frees the dropped connection and every ended one tunnelled through it, deepest first (a
// tunnel is a channel on its parent's session, which must outlive it), then decides each,
// parents first, so a bastion behind a failed one fails too.
void BastionPool::settle(Bastion& dropped, Clock::time_point now) {
    std::vector<std::pair<Bastion*, NodeResult>> ended;
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        Bastion* bastion = *it;
        if (behind(bastion, &dropped) && bastion->m_session && bastion->m_session->done()) {
            ended.emplace_back(bastion, bastion->m_session->take_result());
            bastion->m_session.reset();
            bastion->m_registered = WaitSet{}; // its socket is closed: the kernel forgot it
        }
    }
    for (auto it = ended.rbegin(); it != ended.rend(); ++it) {
        decide(*it->first, it->second, now);
    }
}

void BastionPool::decide(Bastion& bastion, const NodeResult& ended, Clock::time_point now) {
    const bool had_been_up = bastion.m_was_up;
    bastion.m_was_up = false;
    bastion.m_moved = true; // nodes waiting for it learn it failed, or wait for the new one
    if (should_reconnect(had_been_up, bastion.m_reconnects_left,
                         bastion.m_parent != nullptr && bastion.m_parent->m_failed)) {
        --bastion.m_reconnects_left;
        connect(bastion, now);
        return;
    }
    bastion.m_failed = true;
    bastion.m_failure =
        std::string(to_string(ended.status)) +
        (ended.reason == Reason::none ? "" : " (" + std::string(to_string(ended.reason)) + ")") +
        ": " + ended.message;
}

void BastionPool::touched(Bastion& via) {
    via.m_touched = true;
}

bool BastionPool::settle_lost(Clock::time_point now, const EndNodesBehind& end_nodes_behind) {
    bool lost = false;
    for (Bastion* bastion : m_order) {
        NodeSession* session = bastion->m_session.get();
        if (session != nullptr && !session->done() && session->connection_lost()) {
            session->step(now);
            lost = true;
        }
    }
    if (lost) {
        settle_dropped(now, end_nodes_behind);
    }
    return lost;
}

bool BastionPool::stirred(const Bastion& bastion) const {
    return bastion.m_moved || bastion.m_touched;
}

int BastionPool::channels_at_last_wakeup(const Bastion& bastion) const {
    return bastion.m_channels_at_wakeup;
}

void BastionPool::watch(Poller& poller, Clock::time_point now) {
    for (Bastion* bastion : m_order) {
        const WaitSet wanted = bastion->m_session ? bastion->m_session->wait_set() : WaitSet{};
        if (auto watched = poller.update(token_of(bastion), bastion->m_registered, wanted);
            !watched) {
            // Settled (and its nodes ended) at the next wake-up like any dropped bastion.
            bastion->m_session->abort(NodeStatus::error, Reason::event_loop,
                                      "cannot wait for the connection: " + watched.error(), now);
        }
    }
}

void BastionPool::end_wakeup() {
    for (Bastion* bastion : m_order) {
        bastion->m_ready = bastion->m_moved = bastion->m_touched = false;
        bastion->m_channels_at_wakeup = bastion->m_channels;
    }
}

} // namespace breakglass::transport
