#include "transport/bastion.hpp"

#include "transport/channel_pump.hpp"
#include "transport/node_session.hpp"

namespace breakglass::transport {

Bastion::Bastion(JumpHost host, std::string chain, Bastion* parent, std::string user,
                 int channel_limit)
    : m_host(std::move(host)), m_chain(std::move(chain)), m_parent(parent), m_user(std::move(user)),
      m_channel_limit(channel_limit) {}

Bastion::~Bastion() = default;

bool Bastion::connection_lost() const {
    return m_session && m_session->connection_lost();
}

bool Bastion::can_open_channel() const {
    return m_session && m_session->ready() && !m_session->connection_lost() &&
           m_channels < m_channel_limit;
}

std::unique_ptr<ChannelPump> Bastion::open_channel(const std::string& address, std::uint16_t port) {
    ++m_channels;
    return std::make_unique<ChannelPump>(m_session->ssh(), address, port);
}

void Bastion::channel_closed() {
    --m_channels;
}

} // namespace breakglass::transport
