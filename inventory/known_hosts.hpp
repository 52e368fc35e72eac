#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// The usable lines of an OpenSSH known_hosts file and what was passed over.
struct KnownHosts {
    struct Entry {
        std::string patterns; // comma-separated: "10.0.0.1,[10.0.0.1]:2222,*.corp,!bad.corp"
        std::string key;      // "TYPE BASE64"
    };
    std::vector<Entry> entries;
    std::vector<std::string> revoked_keys; // from @revoked lines: never pinned
    std::vector<std::string> warnings;     // one line each, for the user
};

/// Parses known_hosts text. Hashed hosts (|1|...) are skipped with one warning: matching them
/// needs HMAC-SHA1, and OpenSSL stays out of the inventory. @cert-authority lines are skipped
/// with a warning (host certificates are not used); @revoked keys are remembered and refused.
/// Malformed lines are skipped with a warning naming the line.
KnownHosts parse_known_hosts(std::string_view text);

/// Reads and parses a known_hosts file; fails only when the file cannot be read.
tl::expected<KnownHosts, std::string> load_known_hosts(const std::filesystem::path& path);

/// The keys pinned for `host` (an address or name) at `port`, as OpenSSH looks them up: the
/// plain host for port 22, "[host]:port" otherwise; wildcards and !negation honoured.
std::vector<std::string> find_known_host_keys(const KnownHosts& known_hosts, std::string_view host,
                                              std::uint16_t port);

} // namespace breakglass::inventory
