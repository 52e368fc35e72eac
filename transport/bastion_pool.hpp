#pragma once

#include "transport/bastion.hpp"
#include "transport/node_session.hpp"
#include "transport/poller.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace breakglass::transport {

/// The run's bastion connections and the only code that changes their state: one connection
/// per distinct chain prefix, created on first use, stepped by the event loop before the nodes
/// behind it, re-established once after a drop if it had been up, else failed for good. The
/// fan-out keeps the node sessions; it learns from here which bastions moved, and is asked to
/// end the nodes tunnelled through a bastion that dropped.
class BastionPool {
public:
    BastionPool(const SessionSettings& settings, int channel_limit);
    ~BastionPool();
    BastionPool(const BastionPool&) = delete;
    BastionPool& operator=(const BastionPool&) = delete;

    /// The bastion reached through the first `hops` hops of `chain` (nullptr for 0 hops),
    /// connecting it (and the hops before it) if this is the first node to need it. `user`
    /// logs in where a hop names no user.
    Bastion* get(const std::vector<JumpHost>& chain, std::size_t hops, const std::string& user,
                 Clock::time_point now);

    /// Every bastion, parents before children.
    const std::vector<Bastion*>& all() const { return m_order; }

    /// True when `bastion` is `ancestor` or lies behind it.
    static bool behind(const Bastion* bastion, const Bastion* ancestor);

    // --- One wake-up of the event loop, in this order. ---

    /// Epoll tokens: a bastion's is its address (aligned, so the low bit is clear); the
    /// fan-out's own tokens have the low bit set.
    static bool is_bastion_token(std::uint64_t token) { return (token & 1U) == 0; }
    /// The nearest phase deadline of any bastion's connection.
    Clock::time_point next_timer() const;
    /// A bastion's socket (by its token) reported readiness.
    void socket_ready(std::uint64_t token);
    /// A wait that saw nothing: step every bastion anyway (libssh may hold data already read).
    void sweep();
    /// Steps the bastions with something to do, parents first (a chained bastion's bytes arrive
    /// on its parent's socket); notes those that came up.
    void step(Clock::time_point now);

    /// Called for a bastion whose connection ended, with the message for the nodes: the caller
    /// ends (and frees) every node session tunnelled through it or through a bastion behind it.
    using EndNodesBehind = std::function<void(const Bastion& dropped, const std::string& message)>;
    /// Every bastion whose connection ended, deepest first: its nodes are ended through
    /// `end_nodes_behind`, the bastions tunnelled through it too, then it is re-established
    /// once or failed for good.
    void settle_dropped(Clock::time_point now, const EndNodesBehind& end_nodes_behind);
    /// A session tunnelled through `via` was stepped: libssh may have read `via`'s socket.
    void touched(Bastion& via);
    /// After the nodes' steps: ends bastions whose connection a tunnel's read found gone, and
    /// settles them (true when there were any).
    bool settle_lost(Clock::time_point now, const EndNodesBehind& end_nodes_behind);

    /// True when the nodes behind `bastion` should be stepped this wake-up: it moved, or one
    /// of them was stepped.
    bool stirred(const Bastion& bastion) const;
    /// Channels `bastion` had in flight at the end of the last wake-up (fewer now: slots freed).
    int channels_at_last_wakeup(const Bastion& bastion) const;
    /// Brings epoll up to date with what every bastion's connection waits for (a tunnel's
    /// writes may have left bytes queued); a bastion that cannot be watched is ended.
    void watch(Poller& poller, Clock::time_point now);
    /// Forgets this wake-up's readiness and movement.
    void end_wakeup();

private:
    void connect(Bastion& bastion, Clock::time_point now);
    void settle(Bastion& dropped, Clock::time_point now);
    void decide(Bastion& bastion, const NodeResult& ended, Clock::time_point now);

    const SessionSettings& m_settings;
    int m_channel_limit;
    NodeJob m_job; // keep_open: authenticate, then carry channels
    std::map<std::string, std::unique_ptr<Bastion>> m_bastions;
    std::vector<Bastion*> m_order; // by depth, then by creation
};

/// The reconnect-once rule: a bastion whose connection ended is re-established when it had been
/// up (a drop, not a refusal), it has a reconnect left, and the hop before it has not failed.
bool should_reconnect(bool had_been_up, int reconnects_left, bool parent_failed);

} // namespace breakglass::transport
