#include "playbooks/signature_verify.hpp"

#include "playbooks/openssl_handles.hpp"
#include "playbooks/ssh_wire.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

namespace breakglass::playbooks {

namespace {

constexpr std::size_t k_ed25519_signature_size = 64;

const unsigned char* bytes(std::string_view data) {
    return reinterpret_cast<const unsigned char*>(data.data());
}

ossl::BigNum big_number(std::string_view magnitude) {
    return ossl::BigNum(BN_bin2bn(bytes(magnitude), static_cast<int>(magnitude.size()), nullptr));
}

/// Builds an EVP_PKEY of `type` ("EC", "RSA") from parameters; null on failure.
template <typename Fill> ossl::PKey key_from_params(const char* type, Fill fill) {
    ossl::ParamBuilder builder(OSSL_PARAM_BLD_new());
    if (!builder || !fill(builder.get())) {
        return nullptr;
    }
    ossl::Params params(OSSL_PARAM_BLD_to_param(builder.get()));
    ossl::PKeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
        EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return nullptr;
    }
    return ossl::PKey(key);
}

ossl::PKey openssl_key(const PublicKey& key) {
    switch (key.type) {
    case KeyType::ed25519:
        return ossl::PKey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(key.ed25519),
                                                      key.ed25519.size()));
    case KeyType::ecdsa_p256:
        return key_from_params("EC", [&key](OSSL_PARAM_BLD* builder) {
            return OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME,
                                                   "prime256v1", 0) == 1 &&
                   OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY,
                                                    key.ec_point.data(), key.ec_point.size()) == 1;
        });
    case KeyType::rsa: {
        ossl::BigNum modulus = big_number(key.rsa_modulus);
        ossl::BigNum exponent = big_number(key.rsa_exponent);
        if (!modulus || !exponent) {
            return nullptr;
        }
        return key_from_params("RSA", [&](OSSL_PARAM_BLD* builder) {
            return OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus.get()) == 1 &&
                   OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent.get()) == 1;
        });
    }
    }
    return nullptr;
}

/// EVP_DigestVerify with `md` (null for Ed25519). Only a clean "1" verifies.
bool digest_verify(EVP_PKEY* key, const EVP_MD* md, std::string_view signature,
                   std::string_view data) {
    ossl::MdContext context(EVP_MD_CTX_new());
    return context && EVP_DigestVerifyInit(context.get(), nullptr, md, nullptr, key) == 1 &&
           EVP_DigestVerify(context.get(), bytes(signature), signature.size(), bytes(data),
                            data.size()) == 1;
}

/// OpenSSH's raw ECDSA signature (mpint r, mpint s) as the DER OpenSSL verifies.
tl::expected<std::string, SignatureRefusal> ecdsa_der(std::string_view raw) {
    WireReader reader(raw);
    auto r = reader.read_positive_mpint();
    auto s = reader.read_positive_mpint();
    if (!r || !s || !reader.at_end() || r->size() > 32 || s->size() > 32) {
        return refuse(RefusalKind::malformed, "ECDSA signature is not two P-256 integers");
    }
    ossl::EcdsaSig signature(ECDSA_SIG_new());
    ossl::BigNum r_number = big_number(*r);
    ossl::BigNum s_number = big_number(*s);
    if (!signature || !r_number || !s_number ||
        ECDSA_SIG_set0(signature.get(), r_number.get(), s_number.get()) != 1) {
        return refuse(RefusalKind::malformed, "ECDSA signature could not be converted");
    }
    // ECDSA_SIG_set0 took ownership of both numbers.
    static_cast<void>(r_number.release());
    static_cast<void>(s_number.release());
    const int size = i2d_ECDSA_SIG(signature.get(), nullptr);
    if (size <= 0) {
        return refuse(RefusalKind::malformed, "ECDSA signature could not be converted");
    }
    std::string der(static_cast<std::size_t>(size), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(signature.get(), &out) != size) {
        return refuse(RefusalKind::malformed, "ECDSA signature could not be converted");
    }
    return der;
}

} // namespace

tl::expected<std::string, SignatureRefusal>
verify_ssh_signature(const PublicKey& key, std::string_view signature_blob, std::string_view data) {
    WireReader reader(signature_blob);
    auto algorithm = reader.read_string();
    auto raw = reader.read_string();
    if (!algorithm || !raw || !reader.at_end()) {
        return refuse(RefusalKind::malformed, "signature is not an algorithm name and signature");
    }
    const std::string name(*algorithm);
    const EVP_MD* md = nullptr;
    std::string signature(*raw);
    switch (key.type) {
    case KeyType::ed25519:
        if (name != "ssh-ed25519") {
            return refuse(RefusalKind::malformed, "ssh-ed25519 key with a " + name + " signature");
        }
        if (signature.size() != k_ed25519_signature_size) {
            return refuse(RefusalKind::malformed, "ssh-ed25519 signature is not 64 bytes");
        }
        break;
    case KeyType::ecdsa_p256: {
        if (name != "ecdsa-sha2-nistp256") {
            return refuse(RefusalKind::malformed,
                          "ecdsa-sha2-nistp256 key with a " + name + " signature");
        }
        auto der = ecdsa_der(signature);
        if (!der) {
            return tl::unexpected(der.error());
        }
        signature = std::move(*der);
        md = EVP_sha256();
        break;
    }
    case KeyType::rsa: {
        if (name == "ssh-rsa") {
            return refuse(RefusalKind::unsupported,
                          "ssh-rsa (SHA-1) signatures are never accepted; sign with "
                          "rsa-sha2-256 or rsa-sha2-512");
        }
        if (name == "rsa-sha2-256") {
            md = EVP_sha256();
        } else if (name == "rsa-sha2-512") {
            md = EVP_sha512();
        } else {
            return refuse(RefusalKind::malformed, "ssh-rsa key with a " + name + " signature");
        }
        // OpenSSH accepts a signature shorter than the modulus and pads it; so do we.
        const std::size_t modulus_size = key.rsa_modulus.size();
        if (signature.size() > modulus_size) {
            return refuse(RefusalKind::malformed, "RSA signature is longer than the modulus");
        }
        signature.insert(0, modulus_size - signature.size(), '\0');
        break;
    }
    }
    ossl::PKey pkey = openssl_key(key);
    if (!pkey) {
        ERR_clear_error();
        return refuse(RefusalKind::malformed,
                      std::string(key_type_name(key.type)) + " key is not a valid public key");
    }
    if (!digest_verify(pkey.get(), md, signature, data)) {
        ERR_clear_error(); // OpenSSL queues its reasons per thread; ours is the message below
        return refuse(RefusalKind::bad_signature,
                      "the " + name + " signature does not match the file and key");
    }
    return name;
}

} // namespace breakglass::playbooks
