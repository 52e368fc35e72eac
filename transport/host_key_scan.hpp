#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace breakglass::transport {

/// One address to ask for its host key.
struct HostKeyTarget {
    std::string address; // an IP literal: names are resolved at import, never during a run
    std::uint16_t port = 22;
    /// Key types to ask for ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"), or pinned keys
    /// whose types count; empty: any type the server prefers.
    std::vector<std::string> key_types;
};

/// What one node presented during key exchange, or why it could not be asked.
struct ScannedHostKey {
    bool ok = false;
    std::string public_key; // OpenSSH form: "ssh-ed25519 AAAA..." (no comment)
    std::string error;      // set when !ok: "connect: Connection refused", "timeout", ...
};

struct HostKeyScanOptions {
    int parallel = 64;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds handshake_timeout{60000};
};

/// Key exchange only, no login (like ssh-keyscan): returns one result per target, same order.
/// Never throws for a node's failure; each ends ok or with an error.
std::vector<ScannedHostKey> scan_host_keys(const std::vector<HostKeyTarget>& targets,
                                           const HostKeyScanOptions& options);

} // namespace breakglass::transport
