#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace breakglass::playbooks {

/// Strict standard base64 (RFC 4648, as OpenSSH's b64_pton reads it): ASCII whitespace between
/// characters is skipped; anything else outside the alphabet, padding anywhere but the end, a
/// length that is not a whole number of quanta, or non-zero bits left over yields nullopt.
std::optional<std::string> base64_decode(std::string_view text);

/// Standard base64 with '=' padding; `pad = false` drops it (as SHA256 fingerprints do).
std::string base64_encode(std::string_view bytes, bool pad = true);

} // namespace breakglass::playbooks
