#include "playbooks/public_key.hpp"

#include "playbooks/base64.hpp"
#include "playbooks/digest.hpp"
#include "playbooks/ssh_wire.hpp"

namespace breakglass::playbooks {

namespace {

constexpr unsigned k_min_rsa_bits = 2048;
constexpr unsigned k_max_rsa_bits = 16384; // OpenSSH's own limit
constexpr std::size_t k_ed25519_size = 32;
constexpr std::size_t k_p256_point_size = 65;

unsigned bit_length(std::string_view magnitude) {
    if (magnitude.empty()) {
        return 0;
    }
    unsigned bits = static_cast<unsigned>(magnitude.size() - 1) * 8;
    for (auto top = static_cast<unsigned char>(magnitude.front()); top != 0; top >>= 1U) {
        ++bits;
    }
    return bits;
}

} // namespace

tl::expected<PublicKey, SignatureRefusal> parse_public_key(std::string_view blob) {
    WireReader reader(blob);
    auto type = reader.read_string();
    if (!type) {
        return refuse(RefusalKind::malformed, "public key blob has no key type");
    }
    PublicKey key;
    key.blob = std::string(blob);
    if (*type == "ssh-ed25519") {
        key.type = KeyType::ed25519;
        auto raw = reader.read_string();
        if (!raw || raw->size() != k_ed25519_size) {
            return refuse(RefusalKind::malformed, "ssh-ed25519 key is not 32 bytes");
        }
        key.ed25519 = std::string(*raw);
    } else if (*type == "ecdsa-sha2-nistp256") {
        key.type = KeyType::ecdsa_p256;
        auto curve = reader.read_string();
        auto point = reader.read_string();
        if (!curve || *curve != "nistp256") {
            return refuse(RefusalKind::malformed, "ecdsa-sha2-nistp256 key names another curve");
        }
        if (!point || point->size() != k_p256_point_size || point->front() != '\x04') {
            return refuse(RefusalKind::malformed,
                          "ecdsa-sha2-nistp256 key is not an uncompressed P-256 point");
        }
        key.ec_point = std::string(*point);
    } else if (*type == "ssh-rsa") {
        key.type = KeyType::rsa;
        auto exponent = reader.read_positive_mpint();
        auto modulus = reader.read_positive_mpint();
        if (!exponent || !modulus || exponent->empty() || modulus->empty()) {
            return refuse(RefusalKind::malformed,
                          "ssh-rsa key has a malformed exponent or modulus");
        }
        key.rsa_exponent = std::string(*exponent);
        key.rsa_modulus = std::string(*modulus);
        key.rsa_bits = bit_length(*modulus);
        if (key.rsa_bits < k_min_rsa_bits || key.rsa_bits > k_max_rsa_bits) {
            return refuse(RefusalKind::unsupported, "RSA key of " + std::to_string(key.rsa_bits) +
                                                        " bits (breakglass accepts " +
                                                        std::to_string(k_min_rsa_bits) + " to " +
                                                        std::to_string(k_max_rsa_bits) + ")");
        }
    } else if (type->ends_with("-cert-v01@openssh.com")) {
        return refuse(RefusalKind::unsupported,
                      "OpenSSH certificates are not supported (\"" + std::string(*type) + "\")");
    } else {
        return refuse(RefusalKind::unsupported,
                      "key type \"" + std::string(*type) +
                          "\" is not supported (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa)");
    }
    if (!reader.at_end()) {
        return refuse(RefusalKind::malformed, "public key blob has trailing data");
    }
    return key;
}

std::string_view key_type_name(KeyType type) {
    switch (type) {
    case KeyType::ed25519:
        return "ssh-ed25519";
    case KeyType::ecdsa_p256:
        return "ecdsa-sha2-nistp256";
    case KeyType::rsa:
        return "ssh-rsa";
    }
    return "unknown";
}

std::string_view key_type_label(KeyType type) {
    switch (type) {
    case KeyType::ed25519:
        return "ED25519";
    case KeyType::ecdsa_p256:
        return "ECDSA";
    case KeyType::rsa:
        return "RSA";
    }
    return "unknown";
}

std::string fingerprint_sha256(std::string_view blob) {
    return "SHA256:" + base64_encode(digest("sha256", blob).value_or(""), false);
}

std::string_view key_blob_type(std::string_view blob) {
    WireReader reader(blob);
    return reader.read_string().value_or(std::string_view{});
}

} // namespace breakglass::playbooks
