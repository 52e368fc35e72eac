#pragma once

#include "transport/bastion.hpp"
#include "transport/node_session.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace breakglass::transport {

/// The run's bastion connections: one per distinct chain prefix, created on first use,
/// re-established once after a drop, freed children first (a child's tunnel is a channel on its
/// parent's session).
class BastionPool {
public:
    BastionPool(const SessionSettings& settings, int channel_limit);
    ~BastionPool();
    BastionPool(const BastionPool&) = delete;
    BastionPool& operator=(const BastionPool&) = delete;

    /// The bastion reached through the first `hops` hops of `chain`, connecting it (and the
    /// hops before it) if this is the first node to need it. `user` logs in where a hop names
    /// no user.
    Bastion* get(const std::vector<JumpHost>& chain, std::size_t hops, const std::string& user,
                 Clock::time_point now);

    /// Every bastion, parents before children (kept in order as bastions are added, since the
    /// event loop walks it at every wake-up).
    const std::vector<Bastion*>& all() const { return m_order; }

    /// True when `bastion` is `ancestor` or lies behind it.
    static bool behind(const Bastion* bastion, const Bastion* ancestor);

    /// After a bastion's session ended and every session tunnelled through it was ended:
    /// re-establish it once if it had been up, else mark it failed for good.
    void settle(Bastion* bastion, Clock::time_point now);

private:
    void connect(Bastion& bastion, const std::string& user, Clock::time_point now);

    const SessionSettings& m_settings;
    int m_channel_limit;
    NodeJob m_job; // keep_open: authenticate, then carry channels
    std::map<std::string, std::unique_ptr<Bastion>> m_bastions;
    std::map<Bastion*, std::string> m_users;
    std::vector<Bastion*> m_order; // by depth, then by creation
};

} // namespace breakglass::transport
