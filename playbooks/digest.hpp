#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace breakglass::playbooks {

/// The digest of `data` with "sha256" or "sha512" (SSHSIG's names); nullopt for any other name
/// or if OpenSSL fails.
std::optional<std::string> digest(std::string_view algorithm, std::string_view data);

/// Lowercase hex of SHA-256 over `data` (64 characters): how files and records are named in
/// the audit log.
std::string sha256_hex(std::string_view data);

} // namespace breakglass::playbooks
