#include "playbooks/base64.hpp"
#include "playbooks/public_key.hpp"
#include "playbooks/ssh_wire.hpp"
#include "playbooks_test_fixtures.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using breakglass::playbooks::testing::fixture;
using namespace std::string_literals;

namespace {

std::string key_blob(const std::string& name) {
    std::istringstream line(fixture(name + ".pub"));
    std::string type;
    std::string encoded;
    line >> type >> encoded;
    return base64_decode(encoded).value();
}

} // namespace

TEST(PlaybooksPublicKey, FingerprintsMatchSshKeygen) {
    std::istringstream expected(fixture("fingerprints.txt"));
    for (const char* name : {"ed25519", "ecdsa", "rsa", "rsa1024", "ecdsa384"}) {
        std::string fingerprint;
        expected >> fingerprint;
        EXPECT_EQ(fingerprint_sha256(key_blob(name)), fingerprint) << name;
    }
}

TEST(PlaybooksPublicKey, ParsesSupportedKeys) {
    auto ed25519 = parse_public_key(key_blob("ed25519"));
    ASSERT_TRUE(ed25519) << ed25519.error().message;
    EXPECT_EQ(ed25519->type, KeyType::ed25519);
    EXPECT_EQ(ed25519->ed25519.size(), 32U);
    auto ecdsa = parse_public_key(key_blob("ecdsa"));
    ASSERT_TRUE(ecdsa) << ecdsa.error().message;
    EXPECT_EQ(ecdsa->type, KeyType::ecdsa_p256);
    auto rsa = parse_public_key(key_blob("rsa"));
    ASSERT_TRUE(rsa) << rsa.error().message;
    EXPECT_EQ(rsa->type, KeyType::rsa);
    EXPECT_EQ(rsa->rsa_bits, 3072U);
    EXPECT_EQ(key_type_name(rsa->type), "ssh-rsa");
}

TEST(PlaybooksPublicKey, RefusesSmallRsaAndOtherKeyTypesAsUnsupported) {
    EXPECT_EQ(parse_public_key(key_blob("rsa1024")).error().kind, RefusalKind::unsupported);
    EXPECT_EQ(parse_public_key(key_blob("ecdsa384")).error().kind, RefusalKind::unsupported);
    const std::string certificate =
        WireWriter().string("ssh-ed25519-cert-v01@openssh.com").string("nonce").bytes();
    auto refused = parse_public_key(certificate);
    EXPECT_EQ(refused.error().kind, RefusalKind::unsupported);
    EXPECT_NE(refused.error().message.find("certificates"), std::string::npos);
}

TEST(PlaybooksPublicKey, RefusesMalformedBlobs) {
    const std::string ed25519 = key_blob("ed25519");
    EXPECT_EQ(parse_public_key(ed25519 + "x").error().kind, RefusalKind::malformed);
    EXPECT_EQ(parse_public_key(ed25519.substr(0, ed25519.size() - 1)).error().kind,
              RefusalKind::malformed);
    EXPECT_EQ(parse_public_key("").error().kind, RefusalKind::malformed);
    const std::string wrong_curve = WireWriter()
                                        .string("ecdsa-sha2-nistp256")
                                        .string("nistp384")
                                        .string("\x04" + std::string(64, 'p'))
                                        .bytes();
    EXPECT_EQ(parse_public_key(wrong_curve).error().kind, RefusalKind::malformed);
    const std::string compressed_point = WireWriter()
                                             .string("ecdsa-sha2-nistp256")
                                             .string("nistp256")
                                             .string("\x02" + std::string(32, 'p'))
                                             .bytes();
    EXPECT_EQ(parse_public_key(compressed_point).error().kind, RefusalKind::malformed);
    const std::string negative_modulus = WireWriter()
                                             .string("ssh-rsa")
                                             .string("\x01\x00\x01"s)
                                             .string("\xff" + std::string(255, 'n'))
                                             .bytes();
    EXPECT_EQ(parse_public_key(negative_modulus).error().kind, RefusalKind::malformed);
}
