#pragma once

#include "transport/ssh_handles.hpp"

#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// A private key loaded once per run (with its OpenSSH user certificate when KEY-cert.pub sits
/// beside it), shared by every session of that run.
struct Identity {
    std::string path;
    bool has_certificate = false;
    KeyHandle key;
};

/// The keys a run authenticates with: identity files first, then ssh-agent if one is reachable.
struct Credentials {
    std::vector<Identity> identities;
    bool use_agent = false;
};

/// Loads identity files (no passphrases: encrypted keys belong in ssh-agent). With no paths,
/// tries ~/.ssh/id_ed25519, id_ecdsa and id_rsa like OpenSSH. Never writes .pub files.
/// Errors name the file and why, never key material.
tl::expected<Credentials, std::string> load_credentials(const std::vector<std::string>& paths,
                                                        const std::string& home,
                                                        bool agent_available);

} // namespace breakglass::transport
