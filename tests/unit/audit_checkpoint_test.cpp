#include "audit/appender.hpp"
#include "audit/checkpoint.hpp"
#include "audit/verifier.hpp"
#include "audit_test_dir.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace breakglass::audit {
namespace {

using testing::TempDir;

class AuditCheckpoint : public ::testing::Test {
protected:
    void SetUp() override {
        AuditLog log(m_dir.path() / "audit.jsonl");
        for (int index = 0; index < 4; ++index) {
            ASSERT_TRUE(
                log.append({{"type", "node-result"}, {"run_id", "r"}, {"i", index}}, false));
        }
        m_text = testing::read_file(m_dir.path() / "audit.jsonl");
        m_report = verify_log(m_text);
        ASSERT_TRUE(m_report.ok());
    }

    TempDir m_dir;
    std::string m_text;
    VerifyReport m_report;
};

TEST_F(AuditCheckpoint, TextRoundTripsAndMatchesItsLog) {
    const Checkpoint checkpoint = checkpoint_of(m_report, "/x/audit.jsonl", "2026-12-06T00:00:00Z");
    EXPECT_EQ(checkpoint.records, 5U);
    const std::string text = checkpoint_text(checkpoint);
    EXPECT_EQ(text.substr(0, text.find('\n')), "breakglass audit checkpoint v1");
    auto parsed = parse_checkpoint(text);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->head, m_report.head);
    EXPECT_EQ(parsed->records, 5U);
    EXPECT_EQ(check_checkpoint(*parsed, m_report), std::nullopt);
}

TEST_F(AuditCheckpoint, AnEarlierCheckpointStillMatchesAGrownLog) {
    const Checkpoint early = checkpoint_of(m_report, "p", "t");
    ASSERT_TRUE(
        AuditLog(m_dir.path() / "audit.jsonl").append({{"type", "x"}, {"run_id", "r"}}, false));
    const VerifyReport grown = verify_log(testing::read_file(m_dir.path() / "audit.jsonl"));
    EXPECT_EQ(check_checkpoint(early, grown), std::nullopt);
}

TEST_F(AuditCheckpoint, TailCutBelowTheCheckpointIsCaught) {
    const Checkpoint checkpoint = checkpoint_of(m_report, "p", "t");
    // Whole records removed from the end: the chain alone still verifies.
    const std::string cut = m_text.substr(0, m_text.rfind('\n', m_text.size() - 2) + 1);
    const VerifyReport report = verify_log(cut);
    ASSERT_TRUE(report.ok());
    auto why = check_checkpoint(checkpoint, report);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("covers 5 records, the log holds only 4"), std::string::npos) << *why;
}

TEST_F(AuditCheckpoint, ARewrittenLogWithTheSameCountIsCaught) {
    const Checkpoint checkpoint = checkpoint_of(m_report, "p", "t");
    // Rewrite the whole log from scratch (same log id, valid chain, other content).
    const std::string first = m_text.substr(0, m_text.find('\n') + 1);
    testing::write_file(m_dir.path() / "audit.jsonl", first);
    AuditLog log(m_dir.path() / "audit.jsonl");
    for (int index = 0; index < 4; ++index) {
        ASSERT_TRUE(
            log.append({{"type", "node-result"}, {"run_id", "r"}, {"i", index + 10}}, false));
    }
    const VerifyReport rewritten = verify_log(testing::read_file(m_dir.path() / "audit.jsonl"));
    ASSERT_TRUE(rewritten.ok());
    auto why = check_checkpoint(checkpoint, rewritten);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("after record 4 the log's head is"), std::string::npos) << *why;
}

TEST_F(AuditCheckpoint, ACheckpointOfAnotherLogIsRefused) {
    Checkpoint checkpoint = checkpoint_of(m_report, "p", "t");
    checkpoint.log_id = std::string(32, 'a');
    auto why = check_checkpoint(checkpoint, m_report);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("is of log aaaa"), std::string::npos);
}

TEST(AuditCheckpointText, MalformedTextIsRefusedWithAReason) {
    EXPECT_FALSE(parse_checkpoint(""));
    EXPECT_FALSE(parse_checkpoint("breakglass audit checkpoint v2\n"));
    const std::string good = checkpoint_text(
        {std::string(32, 'a'), "p", 3, std::string(64, 'b'), "2026-12-06T00:00:00Z"});
    ASSERT_TRUE(parse_checkpoint(good));
    EXPECT_FALSE(parse_checkpoint(good + "extra\n"));
    std::string bad_count = good;
    bad_count.replace(bad_count.find("records 3"), 9, "records x");
    EXPECT_FALSE(parse_checkpoint(bad_count));
    std::string upper = good;
    upper.replace(upper.find("head b"), 6, "head B");
    EXPECT_FALSE(parse_checkpoint(upper));
}

// Signed by the real ssh-keygen, verified in process by playbooks' SSHSIG code.
TEST_F(AuditCheckpoint, SignatureFromSshKeygenVerifiesInTheAuditNamespaceOnly) {
    const auto key = m_dir.path() / "key";
    const auto file = m_dir.path() / "checkpoint";
    testing::write_file(file, checkpoint_text(checkpoint_of(m_report, "p", "t")));
    const std::string keygen = "ssh-keygen -q -t ed25519 -N '' -C test -f " + key.string() +
                               " && ssh-keygen -q -Y sign -n breakglass-audit -f " + key.string() +
                               " " + file.string() + " 2>/dev/null";
    ASSERT_EQ(std::system(keygen.c_str()), 0);
    const std::string text = testing::read_file(file);
    const std::string signature = testing::read_file(file.string() + ".sig");
    const std::string public_key = testing::read_file(key.string() + ".pub");
    const std::string signers = "auditor@example " + public_key;
    auto verified = verify_checkpoint_signature(text, signature, signers);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->principal, "auditor@example");
    // A changed checkpoint, or one signed for playbooks, does not verify.
    EXPECT_FALSE(verify_checkpoint_signature(text + " ", signature, signers));
    const std::string playbook_sign = "ssh-keygen -q -Y sign -n breakglass-playbook -f " +
                                      key.string() + " " + file.string() + " 2>/dev/null";
    std::filesystem::remove(file.string() + ".sig");
    ASSERT_EQ(std::system(playbook_sign.c_str()), 0);
    auto wrong =
        verify_checkpoint_signature(text, testing::read_file(file.string() + ".sig"), signers);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().kind, playbooks::RefusalKind::namespace_);
}

} // namespace
} // namespace breakglass::audit
