#pragma once

#include "playbooks/allowed_signers.hpp"
#include "playbooks/signature_refusal.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// The namespace every playbook signature must carry (`ssh-keygen -Y sign -n`).
inline constexpr std::string_view k_playbook_namespace = "breakglass-playbook";

/// Who signed, once the signature verified and allowed_signers trusts the key.
struct VerifiedSignature {
    std::string principal;           // see verify_signature
    std::string fingerprint;         // "SHA256:...", as `ssh-keygen -l` prints it
    std::string key_type;            // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
    std::string signature_algorithm; // e.g. "rsa-sha2-512"
    std::string name_space;
    std::string hash_algorithm; // "sha256" or "sha512"
    std::size_t allowed_signers_line = 0;
};

/// What to check a signature against.
struct TrustQuery {
    std::string_view name_space = k_playbook_namespace;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    /// If set, only allowed_signers lines whose principals match it count (`ssh-keygen -Y
    /// verify -I`); if not, the first line that trusts the key does (`-Y find-principals`).
    std::optional<std::string> principal;
};

/// Verifies `signature_text` (armored SSHSIG) over the exact bytes of `file`. In order: the
/// signature must parse (malformed, unsupported) and carry the query's namespace (namespace);
/// some allowed_signers line must hold its key byte for byte (unknown_signer); the signature
/// must match (bad_signature, or unsupported for ssh-rsa SHA-1); and the first such line whose
/// namespaces= and valid-after/valid-before allow it wins, else the first line's reason
/// (namespace, not_yet_valid, expired_key). The principal is the one asked for, else that
/// line's principals as written (what `ssh-keygen -Y find-principals` prints).
tl::expected<VerifiedSignature, SignatureRefusal>
verify_signature(std::string_view file, std::string_view signature_text,
                 const AllowedSigners& allowed_signers, const TrustQuery& query = {});

/// The same with allowed_signers text, parsed first (malformed if it does not parse).
tl::expected<VerifiedSignature, SignatureRefusal>
verify_signature(std::string_view file, std::string_view signature_text,
                 std::string_view allowed_signers_text, const TrustQuery& query = {});

} // namespace breakglass::playbooks
