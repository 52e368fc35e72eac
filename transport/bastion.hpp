#pragma once

#include "transport/jump_host.hpp"
#include "transport/poller.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace breakglass::transport {

class ChannelPump;
class NodeSession;

/// One authenticated connection to a bastion, shared by every node session tunnelled through
/// it (one connection per bastion, not one per node as `ssh -J` makes). Its state has one owner,
/// the BastionPool, which connects, steps, settles and re-establishes it; node sessions only
/// read it and take or give back channels through the calls below.
class Bastion {
public:
    Bastion(JumpHost host, std::string chain, Bastion* parent, std::string user, int channel_limit);
    ~Bastion(); // defined where NodeSession is complete
    Bastion(const Bastion&) = delete;
    Bastion& operator=(const Bastion&) = delete;

    const JumpHost& host() const { return m_host; }
    /// "hop1,hop2": the key the connection is shared under.
    const std::string& chain() const { return m_chain; }
    /// The previous hop of a chain (nullptr for the first).
    const Bastion* parent() const { return m_parent; }
    /// The login user (the hop's own, else the first node's that needed it).
    const std::string& user() const { return m_user; }
    /// The current connection; nullptr only while the pool settles a dropped one.
    const NodeSession* session() const { return m_session.get(); }

    /// For good: every node behind it ends jump-failed with failure() in its message.
    bool failed() const { return m_failed; }
    const std::string& failure() const { return m_failure; }
    /// True once libssh has seen the connection close or fail. No I/O.
    bool connection_lost() const;

    /// True when a node may open a tunnel now: connected, authenticated, and fewer than
    /// --jump-parallel channels in flight.
    bool can_open_channel() const;
    /// A direct-tcpip channel to address:port, counted against the channel limit until
    /// channel_closed(); only when can_open_channel().
    std::unique_ptr<ChannelPump> open_channel(const std::string& address, std::uint16_t port);
    /// Gives back a channel taken with open_channel(), once its pump is freed.
    void channel_closed();
    /// Channels in flight (opening or open).
    int channels() const { return m_channels; }

private:
    friend class BastionPool;

    JumpHost m_host;
    std::string m_chain;
    Bastion* m_parent;
    std::string m_user;
    int m_channel_limit;
    std::unique_ptr<NodeSession> m_session;
    int m_reconnects_left = 1; // a dropped bastion is re-established once
    bool m_was_up = false;     // authenticated at least once (so a drop is worth a retry)
    bool m_failed = false;
    std::string m_failure;
    int m_channels = 0;

    // The event loop's view, kept by the pool for one wake-up at a time.
    WaitSet m_registered;         // what epoll holds for its socket
    bool m_ready = false;         // its socket reported readiness
    bool m_moved = false;         // stepped or settled: its tunnels may have data or news
    bool m_touched = false;       // a session through it was stepped (libssh may have read it)
    int m_channels_at_wakeup = 0; // channels in flight at the end of the last wake-up
};

} // namespace breakglass::transport
