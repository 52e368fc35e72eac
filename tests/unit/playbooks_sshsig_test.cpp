#include "playbooks/base64.hpp"
#include "playbooks/ssh_wire.hpp"
#include "playbooks/sshsig.hpp"
#include "playbooks_test_fixtures.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using breakglass::playbooks::testing::fixture;
using namespace std::string_literals;

namespace {

const std::string k_begin = "-----BEGIN SSH SIGNATURE-----";
const std::string k_end = "-----END SSH SIGNATURE-----";

/// The base64 body of an armored signature, on one line.
std::string body(const std::string& armored) {
    std::string joined;
    for (char c : armored.substr(k_begin.size(), armored.find(k_end) - k_begin.size())) {
        if (c != '\n') {
            joined += c;
        }
    }
    return joined;
}

struct BlobFields {
    std::string magic = "SSHSIG";
    std::uint32_t version = 1;
    std::string key = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"s + std::string(32, 'k');
    std::string name_space = "breakglass-playbook";
    std::string reserved;
    std::string hash = "sha512";
    std::string signature = "sig";
    std::string trailing;

    std::string blob() const {
        WireWriter writer;
        writer.raw(magic).u32(version).string(key).string(name_space).string(reserved);
        writer.string(hash).string(signature).raw(trailing);
        return writer.bytes();
    }
};

RefusalKind kind_of(const std::string& blob) {
    return parse_sshsig_blob(blob).error().kind;
}

} // namespace

TEST(PlaybooksSshsig, ParsesSshKeygenSignatures) {
    for (const char* name :
         {"playbook.ed25519.sha512.sig", "playbook.ecdsa.sha256.sig", "playbook.rsa.sha512.sig"}) {
        auto parsed = parse_sshsig(fixture(name));
        ASSERT_TRUE(parsed) << name << ": " << parsed.error().message;
        EXPECT_EQ(parsed->name_space, "breakglass-playbook");
        EXPECT_EQ(parsed->reserved, "");
    }
    EXPECT_EQ(parse_sshsig(fixture("playbook.ecdsa.sha256.sig"))->hash_algorithm, "sha256");
    EXPECT_EQ(parse_sshsig(fixture("playbook.ed25519.file-namespace.sig"))->name_space, "file");
}

TEST(PlaybooksSshsig, ArmorRoundTripsAsSshKeygenWritesIt) {
    const std::string armored = fixture("playbook.ed25519.sha512.sig");
    EXPECT_EQ(armor_sshsig(*parse_sshsig(armored)), armored);
}

TEST(PlaybooksSshsig, AcceptsAnyWrappingAndCrlf) {
    const std::string b64 = body(fixture("playbook.rsa.sha512.sig"));
    const std::string one_line = k_begin + "\n" + b64 + "\n" + k_end;
    ASSERT_TRUE(parse_sshsig(one_line));
    std::string wrapped_crlf = k_begin + "\r\n";
    for (std::size_t at = 0; at < b64.size(); at += 13) {
        wrapped_crlf += b64.substr(at, 13) + "\r\n";
    }
    wrapped_crlf += k_end + "\r\n\r\n";
    auto parsed = parse_sshsig(wrapped_crlf);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->signature, parse_sshsig(one_line)->signature);
}

TEST(PlaybooksSshsig, RefusesBrokenArmor) {
    const std::string b64 = body(fixture("playbook.ed25519.sha512.sig"));
    const std::string cases[] = {
        "",
        b64,
        k_begin + "\n" + b64 + "\n",                                  // no footer
        k_begin + "\n" + b64 + "\n-----END SSH SIGNATURE----",        // cut footer
        "junk\n" + k_begin + "\n" + b64 + "\n" + k_end + "\n",        // text before
        k_begin + "\n" + b64 + "\n" + k_end + "\nsecond signature\n", // text after
        k_begin + b64 + "\n" + k_end,                                 // header not alone
        k_begin + "\n" + b64 + k_end,                                 // footer not alone
        k_begin + "\n" + b64 + "!\n" + k_end,                         // bad base64
        k_begin + "\n" + b64.substr(1) + "\n" + k_end,                // misaligned base64
        k_begin + "\n\n" + k_end,                                     // empty
        "-----BEGIN SSH SIGNATURE-----\n" + b64 + "\n-----END SSH MESSAGE-----\n",
    };
    for (const std::string& text : cases) {
        auto parsed = parse_sshsig(text);
        ASSERT_FALSE(parsed) << text;
        EXPECT_EQ(parsed.error().kind, RefusalKind::malformed) << text;
    }
}

TEST(PlaybooksSshsig, ParsesEveryField) {
    BlobFields fields;
    fields.reserved = "r";
    auto parsed = parse_sshsig_blob(fields.blob());
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->public_key, fields.key);
    EXPECT_EQ(parsed->name_space, "breakglass-playbook");
    EXPECT_EQ(parsed->reserved, "r");
    EXPECT_EQ(parsed->hash_algorithm, "sha512");
    EXPECT_EQ(parsed->signature, "sig");
}

TEST(PlaybooksSshsig, RefusesBadBlobs) {
    BlobFields bad_magic;
    bad_magic.magic = "SSHSIH";
    EXPECT_EQ(kind_of(bad_magic.blob()), RefusalKind::malformed);
    BlobFields empty_namespace;
    empty_namespace.name_space = "";
    EXPECT_EQ(kind_of(empty_namespace.blob()), RefusalKind::malformed);
    BlobFields trailing;
    trailing.trailing = "\0"s;
    EXPECT_EQ(kind_of(trailing.blob()), RefusalKind::malformed);
    BlobFields version_two;
    version_two.version = 2;
    EXPECT_EQ(kind_of(version_two.blob()), RefusalKind::unsupported);
    BlobFields version_zero;
    version_zero.version = 0;
    EXPECT_EQ(kind_of(version_zero.blob()), RefusalKind::unsupported);
    for (const char* hash : {"sha1", "SHA512", "sha384", ""}) {
        BlobFields other_hash;
        other_hash.hash = hash;
        EXPECT_EQ(kind_of(other_hash.blob()), RefusalKind::unsupported) << hash;
    }
}

TEST(PlaybooksSshsig, RefusesEveryTruncation) {
    const std::string blob = BlobFields{}.blob();
    for (std::size_t size = 0; size < blob.size(); ++size) {
        auto parsed = parse_sshsig_blob(blob.substr(0, size));
        ASSERT_FALSE(parsed) << size;
        EXPECT_EQ(parsed.error().kind, RefusalKind::malformed) << size;
    }
}

TEST(PlaybooksSshsig, SignedDataIsThePreambleOfProtocolSshsig) {
    SshSignature signature;
    signature.name_space = "ns";
    signature.hash_algorithm = "sha256";
    EXPECT_EQ(sshsig_signed_data(signature, "HH"),
              "SSHSIG\x00\x00\x00\x02ns\x00\x00\x00\x00\x00\x00\x00\x06sha256\x00\x00\x00\x02HH"s);
}
