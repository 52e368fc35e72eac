#include "playbooks/signature_trust.hpp"
#include "playbooks/ssh_wire.hpp"
#include "playbooks/sshsig.hpp"
#include "playbooks_test_fixtures.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using breakglass::playbooks::testing::fixture;
using breakglass::playbooks::testing::public_key_line;
using namespace std::chrono_literals;

namespace {

const std::chrono::system_clock::time_point k_2026_06 =
    std::chrono::system_clock::time_point(std::chrono::seconds(1780000000));

TrustQuery at(std::chrono::system_clock::time_point now) {
    TrustQuery query;
    query.now = now;
    return query;
}

RefusalKind refusal(const std::string& file, const std::string& signature,
                    const std::string& allowed, const TrustQuery& query = at(k_2026_06)) {
    auto verified = verify_signature(file, signature, std::string_view(allowed), query);
    EXPECT_FALSE(verified) << "verified unexpectedly";
    return verified ? RefusalKind::malformed : verified.error().kind;
}

/// The signature with its "string algorithm + string raw" part replaced.
std::string with_signature_blob(const std::string& armored, const std::string& algorithm,
                                const std::string& raw) {
    SshSignature parsed = parse_sshsig(armored).value();
    parsed.signature = WireWriter().string(algorithm).string(raw).bytes();
    return armor_sshsig(parsed);
}

/// The signature with the last byte of its raw signature flipped.
std::string with_flipped_signature_byte(const std::string& armored) {
    SshSignature parsed = parse_sshsig(armored).value();
    parsed.signature.back() = static_cast<char>(parsed.signature.back() ^ 0x01);
    return armor_sshsig(parsed);
}

class SignatureTrust : public ::testing::Test {
protected:
    std::string m_file = fixture("playbook.yaml");
    std::string m_ed25519 = fixture("playbook.ed25519.sha512.sig");
    std::string m_allowed = "alice@example.com " + public_key_line("ed25519") + "\n" +
                            "bob@example.com " + public_key_line("ecdsa") + "\n" +
                            "carol@example.com " + public_key_line("rsa") + "\n" +
                            "dave@example.com " + public_key_line("rsa1024") + "\n" +
                            "erin@example.com " + public_key_line("ecdsa384") + "\n";
};

} // namespace

TEST_F(SignatureTrust, VerifiesEveryKeyTypeAndHash) {
    struct Case {
        const char* signature;
        const char* principal;
        const char* key_type;
        const char* algorithm;
        const char* hash;
    };
    const Case cases[] = {
        {"playbook.ed25519.sha512.sig", "alice@example.com", "ssh-ed25519", "ssh-ed25519",
         "sha512"},
        {"playbook.ed25519.sha256.sig", "alice@example.com", "ssh-ed25519", "ssh-ed25519",
         "sha256"},
        {"playbook.ecdsa.sha512.sig", "bob@example.com", "ecdsa-sha2-nistp256",
         "ecdsa-sha2-nistp256", "sha512"},
        {"playbook.ecdsa.sha256.sig", "bob@example.com", "ecdsa-sha2-nistp256",
         "ecdsa-sha2-nistp256", "sha256"},
        {"playbook.rsa.sha512.sig", "carol@example.com", "ssh-rsa", "rsa-sha2-512", "sha512"},
        {"playbook.rsa.sha256.sig", "carol@example.com", "ssh-rsa", "rsa-sha2-512", "sha256"},
    };
    for (const Case& c : cases) {
        auto verified = verify_signature(m_file, fixture(c.signature), std::string_view(m_allowed));
        ASSERT_TRUE(verified) << c.signature << ": " << verified.error().message;
        EXPECT_EQ(verified->principal, c.principal);
        EXPECT_EQ(verified->key_type, c.key_type);
        EXPECT_EQ(verified->signature_algorithm, c.algorithm);
        EXPECT_EQ(verified->hash_algorithm, c.hash);
        EXPECT_EQ(verified->name_space, "breakglass-playbook");
    }
    auto alice = verify_signature(m_file, m_ed25519, std::string_view(m_allowed));
    EXPECT_EQ(alice->fingerprint, "SHA256:oyyCDk1ciN8cPsF7iWX1eMu16b2l+khQG3iKa8LQPoI");
    EXPECT_EQ(alice->allowed_signers_line, 1U);
}

TEST_F(SignatureTrust, RefusesAChangedFileOrSignatureAsBadSignature) {
    for (const char* name :
         {"playbook.ed25519.sha512.sig", "playbook.ecdsa.sha256.sig", "playbook.rsa.sha512.sig"}) {
        const std::string signature = fixture(name);
        std::string changed = m_file;
        changed[3] = static_cast<char>(changed[3] ^ 0x20);
        EXPECT_EQ(refusal(changed, signature, m_allowed), RefusalKind::bad_signature) << name;
        EXPECT_EQ(refusal(m_file + "\n", signature, m_allowed), RefusalKind::bad_signature);
        EXPECT_EQ(refusal(m_file, with_flipped_signature_byte(signature), m_allowed),
                  RefusalKind::bad_signature)
            << name;
    }
}

TEST_F(SignatureTrust, RefusesOtherNamespaces) {
    EXPECT_EQ(refusal(m_file, fixture("playbook.ed25519.file-namespace.sig"), m_allowed),
              RefusalKind::namespace_);
    TrustQuery other = at(k_2026_06);
    other.name_space = "file";
    EXPECT_EQ(refusal(m_file, m_ed25519, m_allowed, other), RefusalKind::namespace_);
    const std::string key = public_key_line("ed25519");
    EXPECT_EQ(refusal(m_file, m_ed25519, "alice namespaces=\"file,git\" " + key),
              RefusalKind::namespace_);
    EXPECT_EQ(refusal(m_file, m_ed25519, "alice namespaces=\"*,!breakglass-*\" " + key),
              RefusalKind::namespace_);
    EXPECT_TRUE(verify_signature(m_file, m_ed25519,
                                 std::string_view("alice namespaces=\"file,breakglass-*\" " + key),
                                 at(k_2026_06)));
}

TEST_F(SignatureTrust, RefusesKeysNotTrustedForThePrincipal) {
    EXPECT_EQ(refusal(m_file, m_ed25519, "bob@example.com " + public_key_line("ecdsa")),
              RefusalKind::unknown_signer);
    EXPECT_EQ(refusal(m_file, m_ed25519, ""), RefusalKind::unknown_signer);
    TrustQuery mallory = at(k_2026_06);
    mallory.principal = "mallory@example.com";
    EXPECT_EQ(refusal(m_file, m_ed25519, m_allowed, mallory), RefusalKind::unknown_signer);
    TrustQuery alice = at(k_2026_06);
    alice.principal = "alice@example.com";
    const std::string key = public_key_line("ed25519");
    EXPECT_EQ(refusal(m_file, m_ed25519, "*@example.com,!alice@* " + key, alice),
              RefusalKind::unknown_signer);
    auto verified =
        verify_signature(m_file, m_ed25519, std::string_view("*@example.com " + key), alice);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->principal, "alice@example.com");
}

TEST_F(SignatureTrust, ChecksValidityWindows) {
    const std::string key = public_key_line("ed25519");
    const std::string window = "alice valid-after=\"20260101Z\",valid-before=\"20270101Z\" " + key;
    EXPECT_TRUE(verify_signature(m_file, m_ed25519, std::string_view(window), at(k_2026_06)));
    const auto new_year_2026 = std::chrono::system_clock::time_point(1767225600s);
    EXPECT_TRUE(verify_signature(m_file, m_ed25519, std::string_view(window), at(new_year_2026)));
    EXPECT_EQ(refusal(m_file, m_ed25519, window, at(new_year_2026 - 1s)),
              RefusalKind::not_yet_valid);
    const auto new_year_2027 = std::chrono::system_clock::time_point(1798761600s);
    EXPECT_TRUE(verify_signature(m_file, m_ed25519, std::string_view(window), at(new_year_2027)));
    EXPECT_EQ(refusal(m_file, m_ed25519, window, at(new_year_2027 + 1s)), RefusalKind::expired_key);
}

TEST_F(SignatureTrust, TheFirstLineThatAllowsTheSignatureNamesThePrincipal) {
    const std::string key = public_key_line("ed25519");
    const std::string allowed = "old valid-before=\"20250101Z\" " + key + "\n" +
                                "git namespaces=\"git\" " + key + "\n" +
                                "\"ops@example.com,*@sre\" " + key + "\n" + "last " + key + "\n";
    auto verified = verify_signature(m_file, m_ed25519, std::string_view(allowed), at(k_2026_06));
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->principal, "ops@example.com,*@sre");
    EXPECT_EQ(verified->allowed_signers_line, 3U);
    // With no line allowing it, the first line's reason is given.
    EXPECT_EQ(refusal(m_file, m_ed25519,
                      "old valid-before=\"20250101Z\" " + key + "\ngit namespaces=\"git\" " + key),
              RefusalKind::expired_key);
}

TEST_F(SignatureTrust, RefusesWhatItDoesNotSupport) {
    EXPECT_EQ(refusal(m_file, fixture("playbook.rsa1024.sig"), m_allowed),
              RefusalKind::unsupported);
    EXPECT_EQ(refusal(m_file, fixture("playbook.ecdsa384.sig"), m_allowed),
              RefusalKind::unsupported);
    const std::string rsa = fixture("playbook.rsa.sha512.sig");
    auto sha1 = verify_signature(m_file, with_signature_blob(rsa, "ssh-rsa", std::string(384, 'x')),
                                 std::string_view(m_allowed));
    ASSERT_FALSE(sha1);
    EXPECT_EQ(sha1.error().kind, RefusalKind::unsupported);
    EXPECT_NE(sha1.error().message.find("SHA-1"), std::string::npos);
}

TEST_F(SignatureTrust, RefusesMalformedInput) {
    EXPECT_EQ(refusal(m_file, "not a signature", m_allowed), RefusalKind::malformed);
    EXPECT_EQ(refusal(m_file, m_ed25519, "alice@example.com\n"), RefusalKind::malformed);
    EXPECT_EQ(refusal(m_file, m_ed25519, "alice cert-authority " + public_key_line("ed25519")),
              RefusalKind::malformed);
    EXPECT_EQ(
        refusal(m_file, with_signature_blob(m_ed25519, "ecdsa-sha2-nistp256", "x"), m_allowed),
        RefusalKind::malformed);
    EXPECT_EQ(refusal(m_file, with_signature_blob(m_ed25519, "ssh-ed25519", std::string(63, 's')),
                      m_allowed),
              RefusalKind::malformed);
    const std::string ecdsa = fixture("playbook.ecdsa.sha512.sig");
    EXPECT_EQ(
        refusal(m_file, with_signature_blob(ecdsa, "ecdsa-sha2-nistp256", "garbage"), m_allowed),
        RefusalKind::malformed);
}
