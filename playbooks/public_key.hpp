#pragma once

#include "playbooks/signature_refusal.hpp"

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

enum class KeyType { ed25519, ecdsa_p256, rsa };

/// An OpenSSH public key breakglass can verify with: the blob and the components it encodes.
struct PublicKey {
    KeyType type = KeyType::ed25519;
    std::string blob;         // the wire blob, compared byte for byte with allowed_signers
    std::string ed25519;      // 32 bytes
    std::string ec_point;     // 65 bytes, uncompressed SEC1 point on P-256
    std::string rsa_exponent; // big-endian magnitude
    std::string rsa_modulus;  // big-endian magnitude, 2048 to 16384 bits
    unsigned rsa_bits = 0;
};

/// Parses a public key blob: ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa of 2048 to 16384
/// bits. Other key types (certificates, security keys, other curves) and sizes are refused as
/// unsupported; a blob that does not parse as its own type is malformed.
tl::expected<PublicKey, SignatureRefusal> parse_public_key(std::string_view blob);

/// "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa": the key type as OpenSSH names it.
std::string_view key_type_name(KeyType type);

/// "ED25519", "ECDSA", "RSA": the short name `ssh-keygen -l` prints in parentheses.
std::string_view key_type_label(KeyType type);

/// "SHA256:" + unpadded base64 of SHA-256(blob), exactly as `ssh-keygen -l` prints it.
std::string fingerprint_sha256(std::string_view blob);

/// The first wire string of a key blob (its type name), or empty if it has none.
std::string_view key_blob_type(std::string_view blob);

} // namespace breakglass::playbooks
