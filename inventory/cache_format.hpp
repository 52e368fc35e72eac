#pragma once

#include "inventory/inventory.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// The cache's schema_version this build reads and writes. A newer file is refused, never
/// half-read: its meaning may have changed. Documented in inventory/inventory.schema.json.
inline constexpr int k_schema_version = 1;

/// True for an IPv4 dotted quad or an IPv6 literal (no brackets, no zone, no port).
bool is_ip_literal(std::string_view text);

/// Checks the OpenSSH public-key form "TYPE BASE64" (no options, no comment) and returns it
/// trimmed; the error says what is wrong without echoing the key.
tl::expected<std::string, std::string> check_host_key(std::string_view text);

/// Why `name` cannot name a node, or nothing: a character node sets reserve (",[]*?!", blanks),
/// or one a terminal would have to escape (controls, invalid UTF-8: node names are printed on
/// every line of output). The reason quotes the name escaped.
std::optional<std::string> node_name_problem(std::string_view name);

/// The key type of a checked host key ("ssh-ed25519").
std::string_view host_key_type(std::string_view key);

} // namespace breakglass::inventory
