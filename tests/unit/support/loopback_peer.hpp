#pragma once

// A TCP socket bound to 127.0.0.1 on a port the kernel picks, for transport unit tests that
// need a peer without a network: listening (connects complete, nothing is ever accepted, so an
// SSH handshake waits forever) or not (connects are refused).
#include "transport/tcp_connect.hpp"

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace breakglass::testing {

struct LoopbackPeer {
    explicit LoopbackPeer(bool listen) : socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        auto* raw = reinterpret_cast<sockaddr*>(&address); // NOLINT
        EXPECT_EQ(::bind(socket.get(), raw, length), 0);
        if (listen) {
            EXPECT_EQ(::listen(socket.get(), 16), 0);
        }
        EXPECT_EQ(::getsockname(socket.get(), raw, &length), 0);
        port = ntohs(address.sin_port);
    }
    transport::Fd socket;
    std::uint16_t port = 0;
};

} // namespace breakglass::testing
