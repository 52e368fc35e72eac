#pragma once

#include "playbooks/signature_refusal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// One line of an allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS).
struct AllowedSigner {
    std::size_t line = 0;
    std::string principals;                   // pattern-list as written, quotes removed
    std::optional<std::string> namespaces;    // pattern-list; absent allows every namespace
    std::optional<std::int64_t> valid_after;  // seconds since the epoch
    std::optional<std::int64_t> valid_before; // seconds since the epoch
    std::string key_type;                     // as named on the line, e.g. "ssh-ed25519"
    std::string key_blob;                     // compared byte for byte with the signer's key
};

struct AllowedSigners {
    std::vector<AllowedSigner> signers;
};

/// Parses allowed_signers text: `principals [options] keytype base64 [comment]` per line, with
/// blank lines and `#` comments. Options are namespaces="...", valid-after="...",
/// valid-before="..." (times per parse_signer_time, in the process's TZ). Unlike ssh-keygen,
/// which skips a line it cannot read, any bad line refuses the whole file (malformed, naming the
/// line), and so does cert-authority: breakglass does not verify certificates.
tl::expected<AllowedSigners, SignatureRefusal> parse_allowed_signers(std::string_view text);

} // namespace breakglass::playbooks
