#include "transport/tcp_connect.hpp"

#include "base/system_error.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace breakglass::transport {

tl::expected<Fd, std::string> start_connect(const std::string& address, std::uint16_t port) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);  // NOLINT: sockaddr API
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage); // NOLINT: sockaddr API
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        family = AF_INET6;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof(sockaddr_in6);
    } else {
        return tl::unexpected("'" + address + "' is not an IP address");
    }
    Fd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        return tl::unexpected("socket: " + base::errno_text(errno));
    }
    if (auto problem = base::descriptor_problem(fd.get())) {
        return tl::unexpected(std::move(*problem));
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0 && // NOLINT
        errno != EINPROGRESS) {
        return tl::unexpected("connect: " + base::errno_text(errno));
    }
    return fd;
}

std::string finish_connect(int fd) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        return "getsockopt: " + base::errno_text(errno);
    }
    return error == 0 ? std::string() : base::errno_text(error);
}

} // namespace breakglass::transport
