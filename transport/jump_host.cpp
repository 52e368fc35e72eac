#include "transport/jump_host.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace breakglass::transport {

namespace {

bool is_ip(const std::string& text) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

tl::expected<JumpHost, std::string> parse_hop(std::string_view text) {
    JumpHost hop;
    const std::string original(text);
    if (auto at = text.rfind('@'); at != std::string_view::npos) {
        hop.user = std::string(text.substr(0, at));
        text.remove_prefix(at + 1);
        if (hop.user.empty()) {
            return tl::unexpected("jump host '" + original + "': empty user before '@'");
        }
    }
    std::string_view port_text;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            return tl::unexpected("jump host '" + original + "': missing ']'");
        }
        hop.address = std::string(text.substr(1, close - 1));
        text.remove_prefix(close + 1);
        if (!text.empty()) {
            if (!text.starts_with(':')) {
                return tl::unexpected("jump host '" + original + "': expected ':PORT' after ']'");
            }
            port_text = text.substr(1);
        }
    } else if (auto colon = text.find(':'); colon != std::string_view::npos &&
                                            text.find(':', colon + 1) == std::string_view::npos) {
        hop.address = std::string(text.substr(0, colon));
        port_text = text.substr(colon + 1);
    } else {
        hop.address = std::string(text); // a bare IPv6 literal has several colons and no port
    }
    if (!port_text.empty()) {
        unsigned int port = 0;
        auto [end, error] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return tl::unexpected("jump host '" + original + "': bad port '" +
                                  std::string(port_text) + "'");
        }
        hop.port = static_cast<std::uint16_t>(port);
    }
    if (!is_ip(hop.address)) {
        return tl::unexpected("jump host '" + original + "': '" + hop.address +
                              "' is not an IP address (names are never resolved during a run)");
    }
    return hop;
}

} // namespace

tl::expected<std::vector<JumpHost>, std::string> parse_jump_chain(std::string_view text) {
    std::vector<JumpHost> chain;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto hop = parse_hop(text.substr(0, comma));
        if (!hop) {
            return tl::unexpected(hop.error());
        }
        chain.push_back(std::move(*hop));
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
        if (text.empty()) {
            return tl::unexpected(std::string("jump chain ends with ','"));
        }
    }
    return chain;
}

std::string describe(const JumpHost& hop) {
    std::string address =
        hop.address.find(':') != std::string::npos ? "[" + hop.address + "]" : hop.address;
    return (hop.user.empty() ? "" : hop.user + "@") + address + ":" + std::to_string(hop.port);
}

std::string describe(const std::vector<JumpHost>& chain, std::size_t hops) {
    std::string text;
    for (std::size_t i = 0; i < hops && i < chain.size(); ++i) {
        // Appended piece by piece, not `"," + string`: GCC 12 at -O3 reports a false
        // -Wrestrict on operator+(const char*, string&&) (gcc bug 105329).
        if (i != 0) {
            text += ',';
        }
        text += describe(chain[i]);
    }
    return text;
}

} // namespace breakglass::transport
