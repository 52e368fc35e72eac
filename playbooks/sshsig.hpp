#pragma once

#include "playbooks/signature_refusal.hpp"

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// The fields of an SSHSIG blob (OpenSSH PROTOCOL.sshsig), not yet verified.
struct SshSignature {
    std::string public_key;     // the signer's key blob
    std::string name_space;     // never empty
    std::string reserved;       // signed, otherwise ignored (as OpenSSH does)
    std::string hash_algorithm; // "sha256" or "sha512"
    std::string signature;      // string algorithm + string raw signature
};

/// The blob inside `-----BEGIN SSH SIGNATURE-----` armor. Any line wrapping, CRLF line ends and
/// trailing whitespace are accepted; text before the header or after the footer, a missing
/// footer or bad base64 are refused as malformed.
tl::expected<std::string, SignatureRefusal> dearmor_sshsig(std::string_view text);

/// Parses a dearmored blob strictly: magic "SSHSIG", version 1 (else unsupported), a non-empty
/// namespace, hash sha256 or sha512 (else unsupported), no truncated field, no trailing data.
tl::expected<SshSignature, SignatureRefusal> parse_sshsig_blob(std::string_view blob);

/// dearmor_sshsig then parse_sshsig_blob.
tl::expected<SshSignature, SignatureRefusal> parse_sshsig(std::string_view text);

/// The bytes the signer signed: "SSHSIG" + namespace + reserved + hash algorithm + H(message),
/// where `message_hash` is H(message) computed with the signature's hash algorithm.
std::string sshsig_signed_data(const SshSignature& signature, std::string_view message_hash);

/// Encodes `signature` as a blob and armors it as ssh-keygen does (base64 wrapped at 70).
std::string armor_sshsig(const SshSignature& signature);

} // namespace breakglass::playbooks
