#pragma once

#include "playbooks/public_key.hpp"
#include "playbooks/signature_refusal.hpp"

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// Checks an SSH signature blob (string algorithm + string raw signature) made by `key` over
/// `data`. Accepts ssh-ed25519, ecdsa-sha2-nistp256 (SHA-256) and, for RSA keys, rsa-sha2-256
/// and rsa-sha2-512 only: "ssh-rsa" (SHA-1) is refused as unsupported. Returns the algorithm
/// name on success; a signature that does not match is bad_signature, one that does not parse
/// (or names an algorithm of another key type) is malformed.
tl::expected<std::string, SignatureRefusal>
verify_ssh_signature(const PublicKey& key, std::string_view signature_blob, std::string_view data);

} // namespace breakglass::playbooks
