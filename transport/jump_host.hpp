#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// One bastion hop: `user@address:port`. The address is an IP literal, like every address the
/// transport dials (no DNS during an incident).
struct JumpHost {
    std::string user; // empty: the node's login user
    std::string address;
    std::uint16_t port = 22;
};

/// Parses `-J`/inventory jump text: hops separated by commas, outermost first, as `ssh -J`
/// does: "ops@10.0.0.1:22,ops@[fd00::5]:2222". Empty text is no jump.
tl::expected<std::vector<JumpHost>, std::string> parse_jump_chain(std::string_view text);

/// "user@address:port" (IPv6 in brackets), the form used in results and summaries.
std::string describe(const JumpHost& hop);

/// The chain as text, outermost first: the key under which one connection is shared.
std::string describe(const std::vector<JumpHost>& chain, std::size_t hops);

} // namespace breakglass::transport
