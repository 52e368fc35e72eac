#pragma once

// Signs in process, as `ssh-keygen -Y sign -n breakglass-playbook` does with an ed25519 key
// (OpenSSH PROTOCOL.sshsig), so that unit tests can sign playbooks they write on the fly.
// tests/integration/signature_interop_test.cpp checks the verifier against the real ssh-keygen.

#include "playbooks/base64.hpp"
#include "playbooks/digest.hpp"
#include "playbooks/ssh_wire.hpp"
#include "playbooks/sshsig.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace breakglass::playbooks::testing {

class Ed25519Signer {
public:
    Ed25519Signer() : m_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free) {
        if (!m_key) {
            throw std::runtime_error("ed25519 key generation failed");
        }
        std::string raw(32, '\0');
        std::size_t size = raw.size();
        if (EVP_PKEY_get_raw_public_key(m_key.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                        &size) != 1 ||
            size != raw.size()) {
            throw std::runtime_error("ed25519 public key export failed");
        }
        m_public_blob = WireWriter().string("ssh-ed25519").string(raw).bytes();
    }

    /// "ssh-ed25519 BASE64", as an allowed_signers line carries the key.
    std::string public_key() const { return "ssh-ed25519 " + base64_encode(m_public_blob); }

    /// An allowed_signers line trusting this key for playbooks, with extra `options`
    /// (e.g. `valid-before="20200101"`).
    std::string allowed_signers_line(std::string_view principal,
                                     std::string_view options = {}) const {
        std::string line(principal);
        line += " namespaces=\"breakglass-playbook\"";
        if (!options.empty()) {
            line += ",";
            line += options;
        }
        return line + " " + public_key() + "\n";
    }

    /// The armored signature over `message`.
    std::string sign(std::string_view message) const {
        SshSignature signature;
        signature.public_key = m_public_blob;
        signature.name_space = "breakglass-playbook";
        signature.hash_algorithm = "sha512";
        const std::string data = sshsig_signed_data(signature, digest("sha512", message).value());
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
        std::string raw(64, '\0');
        std::size_t size = raw.size();
        if (!context ||
            EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
            EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(raw.data()), &size,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
            size != raw.size()) {
            throw std::runtime_error("ed25519 signing failed");
        }
        signature.signature = WireWriter().string("ssh-ed25519").string(raw).bytes();
        return armor_sshsig(signature);
    }

private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> m_key;
    std::string m_public_blob;
};

} // namespace breakglass::playbooks::testing
