#include "playbooks/allowed_signers.hpp"
#include "playbooks/signer_time.hpp"
#include "playbooks_test_fixtures.hpp"

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using breakglass::playbooks::testing::public_key_line;

namespace {

/// Sets TZ for one test and restores the previous value after it.
class ScopedTimeZone {
public:
    explicit ScopedTimeZone(const char* zone) {
        if (const char* previous = std::getenv("TZ")) {
            m_previous = previous;
        }
        setenv("TZ", zone, 1);
        tzset();
    }
    ScopedTimeZone(const ScopedTimeZone&) = delete;
    ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;
    ~ScopedTimeZone() {
        if (m_previous) {
            setenv("TZ", m_previous->c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }

private:
    std::optional<std::string> m_previous;
};

AllowedSigner only_signer(const std::string& text) {
    auto parsed = parse_allowed_signers(text);
    EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().message);
    EXPECT_EQ(parsed ? parsed->signers.size() : 0U, 1U) << text;
    return parsed && !parsed->signers.empty() ? parsed->signers.front() : AllowedSigner{};
}

std::string refusal(const std::string& text) {
    auto parsed = parse_allowed_signers(text);
    EXPECT_FALSE(parsed) << text;
    if (parsed) {
        return "";
    }
    EXPECT_EQ(parsed.error().kind, RefusalKind::malformed);
    return parsed.error().message;
}

} // namespace

TEST(PlaybooksAllowedSigners, ParsesPrincipalsOptionsAndKeys) {
    const std::string key = public_key_line("ed25519");
    auto parsed = parse_allowed_signers("# fleet signers\n"
                                        "\n"
                                        "   \t\n"
                                        "alice@example.com " +
                                        key + " alice's laptop\n" + "\"bob@example.com,*@ops\" " +
                                        key + "\r\n" +
                                        "carol@example.com namespaces=\"file,breakglass-*\","
                                        "VALID-AFTER=\"20260101Z\",valid-before=\"20270101Z\" " +
                                        key + "\n");
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->signers.size(), 3U);
    EXPECT_EQ(parsed->signers[0].principals, "alice@example.com");
    EXPECT_EQ(parsed->signers[0].line, 4U);
    EXPECT_EQ(parsed->signers[0].key_type, "ssh-ed25519");
    EXPECT_EQ(parsed->signers[0].key_blob.size(), 51U);
    EXPECT_FALSE(parsed->signers[0].namespaces);
    EXPECT_EQ(parsed->signers[1].principals, "bob@example.com,*@ops");
    const AllowedSigner& carol = parsed->signers[2];
    EXPECT_EQ(carol.namespaces, "file,breakglass-*");
    EXPECT_EQ(carol.valid_after, 1767225600);
    EXPECT_EQ(carol.valid_before, 1798761600);
}

TEST(PlaybooksAllowedSigners, AcceptsKeyTypesItCannotVerify) {
    // Such a line never matches a signature breakglass accepts, but the file stays usable.
    EXPECT_EQ(only_signer("erin " + public_key_line("ecdsa384")).key_type, "ecdsa-sha2-nistp384");
}

TEST(PlaybooksAllowedSigners, RefusesBadLinesNamingThem) {
    const std::string key = public_key_line("ed25519");
    EXPECT_NE(refusal("# ok\nalice@example.com\n").find("line 2"), std::string::npos);
    EXPECT_NE(refusal("alice cert-authority " + key).find("cert-authority is not supported"),
              std::string::npos);
    EXPECT_NE(refusal("alice valid-after=20260101 " + key).find("quoted"), std::string::npos);
    refusal("alice namespaces=\"a\",namespaces=\"b\" " + key);
    refusal("alice valid-after=\"2026-01-01\" " + key);
    refusal("alice valid-after=\"20261301\" " + key);
    refusal("alice valid-after=\"19700101Z\" " + key);
    refusal("alice valid-after=\"20270101Z\",valid-before=\"20260101Z\" " + key);
    refusal("alice no-touch-required " + key);
    refusal("alice namespaces=\"a\", " + key);
    refusal("alice namespaces=\"a " + key);
    refusal("\"alice " + key);
    refusal("al\"ice " + key);
    refusal("alice ssh-ed25519 AAAA");
    refusal("alice ssh-rsa " + key.substr(key.find(' ') + 1));
    refusal("alice namespaces=\"file\"");
}

TEST(PlaybooksSignerTime, ReadsUtcTimesInEveryForm) {
    EXPECT_EQ(parse_signer_time("20260101Z"), 1767225600);
    EXPECT_EQ(parse_signer_time("20260101z"), 1767225600);
    EXPECT_EQ(parse_signer_time("20260101UTC"), 1767225600);
    EXPECT_EQ(parse_signer_time("202601010130Z"), 1767225600 + 5400);
    EXPECT_EQ(parse_signer_time("20260101013015Z"), 1767225600 + 5415);
    for (const char* bad : {"", "Z", "2026010Z", "202601011Z", "20260101T0000Z", "2026010a",
                            "20260100Z", "20260132Z", "202601012400Z", "-2026010Z"}) {
        EXPECT_FALSE(parse_signer_time(bad)) << bad;
    }
}

TEST(PlaybooksSignerTime, ReadsLocalTimesAsSshKeygenDoes) {
    const ScopedTimeZone new_york("America/New_York");
    // Winter: EST, UTC-5.
    EXPECT_EQ(parse_signer_time("20260101"), 1767225600 + 5 * 3600);
    EXPECT_EQ(parse_signer_time("202601010130"), 1767225600 + 5 * 3600 + 5400);
    // Summer: ssh-keygen 9.2 leaves tm_isdst at 0, so local times stay UTC-5 (checked against
    // `ssh-keygen -Y verify -Overify-time`): 2026-07-01 00:00 is 05:00Z, not 04:00Z.
    EXPECT_EQ(parse_signer_time("20260701"), 1782864000 + 5 * 3600);
    // The Z suffix ignores TZ.
    EXPECT_EQ(parse_signer_time("20260701Z"), 1782864000);
}

TEST(PlaybooksSignerTime, LocalTimesFollowTz) {
    const ScopedTimeZone tokyo("Asia/Tokyo");
    EXPECT_EQ(parse_signer_time("20260101"), 1767225600 - 9 * 3600);
    EXPECT_EQ(only_signer("a valid-before=\"20260101\" " + public_key_line("ed25519")).valid_before,
              1767225600 - 9 * 3600);
}
