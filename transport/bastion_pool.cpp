#include "transport/bastion_pool.hpp"

#include <algorithm>
#include <limits>

namespace breakglass::transport {

namespace {

int depth(const Bastion* bastion) {
    int hops = 0;
    for (; bastion != nullptr; bastion = bastion->parent) {
        ++hops;
    }
    return hops;
}

} // namespace

BastionPool::BastionPool(const SessionSettings& settings, int channel_limit)
    : m_settings(settings), m_channel_limit(std::max(1, channel_limit)) {
    m_job.keep_open = true;
}

BastionPool::~BastionPool() {
    // Children first: their tunnels are channels on their parents' sessions.
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        (*it)->session.reset();
    }
}

bool BastionPool::behind(const Bastion* bastion, const Bastion* ancestor) {
    for (; bastion != nullptr; bastion = bastion->parent) {
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
    const std::string key = describe(chain, hops);
    if (auto found = m_bastions.find(key); found != m_bastions.end()) {
        return found->second.get();
    }
    Bastion* parent = get(chain, hops - 1, user, now);
    auto bastion = std::make_unique<Bastion>();
    bastion->host = chain[hops - 1];
    bastion->chain = key;
    bastion->parent = parent;
    bastion->channel_limit = m_channel_limit;
    Bastion* raw = bastion.get();
    m_bastions.emplace(key, std::move(bastion));
    // After the last bastion no deeper than this one: parents stay before children.
    const int hops_here = depth(raw);
    m_order.insert(std::upper_bound(m_order.begin(), m_order.end(), hops_here,
                                    [](int limit, const Bastion* b) { return limit < depth(b); }),
                   raw);
    m_users[raw] = raw->host.user.empty() ? user : raw->host.user;
    connect(*raw, m_users[raw], now);
    return raw;
}

void BastionPool::connect(Bastion& bastion, const std::string& user, Clock::time_point now) {
    // Bastions are checked like nodes: their keys come from known_hosts (never trusted on first
    // use unless --accept-new-host-keys), and they authenticate with the run's credentials.
    NodeTarget target{describe(bastion.host),
                      bastion.host.address,
                      bastion.host.port,
                      user,
                      {},
                      BecomeMethod::none,
                      {}};
    bastion.session =
        std::make_unique<NodeSession>(std::numeric_limits<std::size_t>::max(), std::move(target),
                                      m_job, m_settings, now, bastion.parent);
    bastion.session->step(now);
}

void BastionPool::settle(Bastion* bastion, Clock::time_point now) {
    NodeResult ended = bastion->session->take_result();
    const bool had_been_up = bastion->was_up;
    bastion->was_up = false;
    bastion->session.reset();
    bastion->channels = 0;
    if (had_been_up && bastion->reconnects_left > 0 &&
        (bastion->parent == nullptr || !bastion->parent->failed)) {
        --bastion->reconnects_left;
        ++bastion->generation;
        connect(*bastion, m_users[bastion], now);
        return;
    }
    bastion->failed = true;
    bastion->failure = std::string(to_string(ended.status)) +
                       (ended.reason.empty() ? "" : " (" + ended.reason + ")") + ": " +
                       ended.message;
}

} // namespace breakglass::transport
