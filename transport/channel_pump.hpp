#pragma once

#include "transport/ssh_handles.hpp"
#include "transport/tcp_connect.hpp"

#include <cstdint>
#include <string>

namespace breakglass::transport {

/// Carries one node's SSH connection through a bastion: a direct-tcpip channel on the
/// bastion's session, joined to one end of a socketpair whose other end the node's own libssh
/// session uses as its socket (libssh 0.10 has no ProxyJump). Nonblocking; the event loop calls
/// step() when local_fd() or the bastion's socket is ready.
class ChannelPump {
public:
    enum class State { opening, open, failed };

    /// Starts opening the channel to address:port; fails at once when libssh or the socketpair
    /// cannot be had.
    ChannelPump(ssh_session_struct* bastion, std::string address, std::uint16_t port);
    ChannelPump(const ChannelPump&) = delete;
    ChannelPump& operator=(const ChannelPump&) = delete;
    ~ChannelPump() = default;

    /// Finishes opening, then moves bytes both ways as far as possible without blocking.
    State step();
    State state() const { return m_state; }
    const std::string& error() const { return m_error; }

    /// The node session's end, once open (call once: ownership moves to the caller).
    Fd take_session_end() { return std::move(m_session_end); }
    int local_fd() const { return m_local.get(); }
    bool wants_local_write() const { return !m_to_local.empty(); }

private:
    void fail(const std::string& message);

    ssh_session_struct* m_bastion;
    std::string m_address;
    std::uint16_t m_port;
    ChannelHandle m_channel;
    Fd m_local;       // our end: bytes from the node session to forward
    Fd m_session_end; // handed to the node's libssh session
    std::string m_to_channel;
    std::string m_to_local;
    bool m_local_eof = false;
    bool m_channel_eof = false;
    State m_state = State::opening;
    std::string m_error;
};

} // namespace breakglass::transport
