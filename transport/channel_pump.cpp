#include "transport/channel_pump.hpp"

#include "base/system_error.hpp"

#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

// Bytes held per direction before the pump stops reading: keeps memory per tunnel bounded.
constexpr std::size_t k_buffer_limit = std::size_t{256} * 1024;

} // namespace

ChannelPump::ChannelPump(ssh_session_struct* bastion, std::string address, std::uint16_t port)
    : m_bastion(bastion), m_address(std::move(address)), m_port(port) {
    std::array<int, 2> ends{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends.data()) != 0) {
        fail("socketpair failed");
        return;
    }
    m_local = Fd(ends[0]);
    m_session_end = Fd(ends[1]);
    for (const Fd* end : {&m_local, &m_session_end}) {
        if (auto problem = base::descriptor_problem(end->get())) {
            fail(*problem);
            return;
        }
    }
    m_channel.reset(ssh_channel_new(m_bastion));
    if (!m_channel) {
        fail("cannot create a channel on the bastion session");
    }
}

void ChannelPump::fail(const std::string& message) {
    m_state = State::failed;
    m_error = message;
}

ChannelPump::State ChannelPump::step() {
    if (m_state == State::opening) {
        // The originator address is informational for sshd; it only logs it.
        int rc =
            ssh_channel_open_forward(m_channel.get(), m_address.c_str(), m_port, "127.0.0.1", 0);
        if (rc == SSH_AGAIN) {
            return m_state;
        }
        if (rc != SSH_OK) {
            fail(std::string("bastion could not open a channel to the node: ") +
                 session_error(m_bastion));
            return m_state;
        }
        m_state = State::open;
    }
    if (m_state != State::open) {
        return m_state;
    }
    std::array<char, 16384> buffer{};
    // Node session -> bastion channel.
    while (!m_local_eof && m_to_channel.size() < k_buffer_limit) {
        ssize_t got = ::read(m_local.get(), buffer.data(), buffer.size());
        if (got > 0) {
            m_to_channel.append(buffer.data(), std::size_t(got));
        } else if (got == 0) {
            m_local_eof = true;
        } else {
            break; // EAGAIN
        }
    }
    if (!m_to_channel.empty()) {
        int sent = ssh_channel_write(m_channel.get(), m_to_channel.data(),
                                     std::uint32_t(m_to_channel.size()));
        if (sent == SSH_ERROR) {
            fail("connection to the bastion lost: " + session_error(m_bastion));
            return m_state;
        }
        m_to_channel.erase(0, std::size_t(sent));
    }
    if (m_local_eof && m_to_channel.empty() && ssh_channel_is_open(m_channel.get()) != 0) {
        ssh_channel_send_eof(m_channel.get());
    }
    // Bastion channel -> node session.
    while (!m_channel_eof && m_to_local.size() < k_buffer_limit) {
        int got = ssh_channel_read_nonblocking(m_channel.get(), buffer.data(),
                                               std::uint32_t(buffer.size()), 0);
        if (got > 0) {
            m_to_local.append(buffer.data(), std::size_t(got));
        } else if (got == SSH_EOF || (got == 0 && ssh_channel_is_eof(m_channel.get()) != 0)) {
            m_channel_eof = true;
        } else if (got == SSH_ERROR) {
            fail("connection to the bastion lost: " + session_error(m_bastion));
            return m_state;
        } else {
            break;
        }
    }
    while (!m_to_local.empty()) {
        ssize_t written = ::write(m_local.get(), m_to_local.data(), m_to_local.size());
        if (written <= 0) {
            break;
        }
        m_to_local.erase(0, std::size_t(written));
    }
    if (m_channel_eof && m_to_local.empty()) {
        ::shutdown(m_local.get(), SHUT_WR); // the node session sees EOF
    }
    if ((ssh_get_status(m_bastion) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
        fail("connection to the bastion lost");
    }
    return m_state;
}

} // namespace breakglass::transport
