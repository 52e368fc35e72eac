#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// Why a signature was not accepted. Responders act on the kind; the message says what exactly.
enum class RefusalKind {
    malformed,      // armor, blob, key or allowed_signers text that does not parse
    bad_signature,  // well-formed, but the signature does not match the file and key
    unknown_signer, // no allowed_signers entry has this key (for the principal asked)
    namespace_,     // the signature's namespace is not ours, or the signer may not use it
    not_yet_valid,  // the signer's valid-after lies in the future
    expired_key,    // the signer's valid-before lies in the past
    unsupported,    // a key type, size, hash or algorithm breakglass does not accept
};

struct SignatureRefusal {
    RefusalKind kind = RefusalKind::malformed;
    std::string message;
};

/// The error value a function returns to refuse a signature.
inline tl::unexpected<SignatureRefusal> refuse(RefusalKind kind, std::string message) {
    return tl::unexpected(SignatureRefusal{kind, std::move(message)});
}

/// "malformed", "bad_signature", "unknown_signer", "namespace", "not_yet_valid", "expired_key",
/// "unsupported": stable names for JSON output and the man page.
std::string_view to_string(RefusalKind kind);

} // namespace breakglass::playbooks
