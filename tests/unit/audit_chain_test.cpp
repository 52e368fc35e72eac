#include "audit/appender.hpp"
#include "audit/record.hpp"
#include "audit/verifier.hpp"
#include "audit_test_dir.hpp"
#include "tests/integration/support/text_search.hpp"

#include <sstream>
#include <vector>

#include <gtest/gtest.h>

namespace breakglass::audit {
namespace {

using testing::TempDir;

using ::breakglass::testing::lines_of;

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) {
        text += line + "\n";
    }
    return text;
}

// A log with a log-start and `count` run records, as the appender writes it.
std::string written_log(const TempDir& dir, int count) {
    AuditLog log(dir.path() / "audit.jsonl");
    for (int index = 0; index < count; ++index) {
        auto appended =
            log.append({{"type", "node-result"}, {"run_id", "r1"}, {"index", index}}, false);
        EXPECT_TRUE(appended) << appended.error();
    }
    return testing::read_file(dir.path() / "audit.jsonl");
}

TEST(AuditRecord, HashIsSha256OfTheCanonicalRecordWithoutItsHash) {
    const std::string line = seal_record({{"type", "x"}, {"run_id", "r"}, {"b", 1}, {"a", "é"}}, 7,
                                         k_genesis_prev, "2026-12-06T00:00:00.000Z");
    // Keys in byte order, no whitespace, UTF-8 as is.
    const std::string unhashed =
        R"({"a":"é","b":1,"prev":")" + std::string(k_genesis_prev) +
        R"(","run_id":"r","seq":7,"ts":"2026-12-06T00:00:00.000Z","type":"x","v":1})";
    std::string expected = unhashed;
    expected.insert(expected.find(R"("prev")"), R"("hash":")" + sha256_hex(unhashed) + R"(",)");
    EXPECT_EQ(line, expected); // "hash" takes its place in key order
    // Known SHA-256 (FIPS 180-2 "abc").
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuditRecord, TimestampIsUtcWithMilliseconds) {
    const std::string ts = now_timestamp();
    ASSERT_EQ(ts.size(), 24U) << ts;
    EXPECT_EQ(ts[10], 'T');
    EXPECT_EQ(ts[19], '.');
    EXPECT_EQ(ts.back(), 'Z');
}

TEST(AuditChain, AppendedRecordsVerifyWithConsecutiveSeqAndChainedPrev) {
    TempDir dir;
    const std::string text = written_log(dir, 3);
    const auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 4U);
    const VerifyReport report = verify_log(text);
    ASSERT_TRUE(report.ok()) << report.problem->message;
    EXPECT_EQ(report.records, 4U);
    EXPECT_EQ(report.first_seq, 0U);
    EXPECT_EQ(report.head, line_head(lines.back()));
    EXPECT_EQ(report.log_id.size(), 32U);
    for (std::size_t index = 0; index < lines.size(); ++index) {
        const nlohmann::json record = nlohmann::json::parse(lines[index]);
        EXPECT_EQ(record["seq"], index);
        EXPECT_EQ(record["prev"],
                  index == 0 ? std::string(k_genesis_prev) : line_head(lines[index - 1]));
    }
    EXPECT_EQ(nlohmann::json::parse(lines[0])["type"], "log-start");
}

TEST(AuditChain, EveryChangedByteIsCaughtAndNamesItsLine) {
    TempDir dir;
    const std::string text = written_log(dir, 3);
    const std::size_t third_line = text.find('\n', text.find('\n') + 1) + 1;
    // Every byte of the third line (seq 2), flipped in turn: caught, on line 3.
    const std::size_t end = text.find('\n', third_line);
    for (std::size_t at = third_line; at < end; ++at) {
        std::string changed = text;
        changed[at] = changed[at] == 'a' ? 'b' : 'a';
        const VerifyReport report = verify_log(changed);
        ASSERT_FALSE(report.ok()) << "byte " << at << " changed unnoticed";
        EXPECT_TRUE(report.problem->line == 3 || report.problem->line == 4)
            << report.problem->line << ": " << report.problem->message;
        EXPECT_FALSE(report.torn);
    }
}

TEST(AuditChain, ARewrittenRecordWithAFreshHashBreaksTheNextPrev) {
    TempDir dir;
    auto lines = lines_of(written_log(dir, 3));
    nlohmann::json record = nlohmann::json::parse(lines[2]);
    record["index"] = 99;
    record["hash"] = record_hash(record);
    lines[2] = canonical_text(record);
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 4U);
    EXPECT_EQ(report.problem->seq, 3U);
    EXPECT_NE(report.problem->message.find("prev"), std::string::npos);
}

TEST(AuditChain, DeletedRecordNamesTheSeqGap) {
    TempDir dir;
    auto lines = lines_of(written_log(dir, 3));
    lines.erase(lines.begin() + 2);
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 3U);
    EXPECT_EQ(report.problem->seq, 3U);
    EXPECT_NE(report.problem->message.find("where 2 was expected"), std::string::npos)
        << report.problem->message;
}

TEST(AuditChain, ReorderedRecordsAreCaught) {
    TempDir dir;
    auto lines = lines_of(written_log(dir, 3));
    std::swap(lines[1], lines[2]);
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 2U);
    EXPECT_EQ(report.problem->seq, 2U);
}

TEST(AuditChain, WhitespaceAddedToTheLastRecordIsNotCanonical) {
    TempDir dir;
    auto lines = lines_of(written_log(dir, 2));
    lines.back().insert(1, " ");
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 3U);
    EXPECT_NE(report.problem->message.find("canonical"), std::string::npos);
}

TEST(AuditChain, InsertedGarbageLineIsTamperingNotTorn) {
    TempDir dir;
    auto lines = lines_of(written_log(dir, 2));
    lines.insert(lines.begin() + 1, "{not json");
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 2U);
    EXPECT_FALSE(report.torn);
}

TEST(AuditChain, TornLastLineIsReportedAsTornNotAsTampering) {
    TempDir dir;
    const std::string text = written_log(dir, 2);
    // Cut anywhere inside the last line, and just before its newline (a whole record).
    const std::size_t last = text.rfind('\n', text.size() - 2) + 1;
    std::vector<std::size_t> cuts{text.size() - 1};
    for (std::size_t cut = last + 1; cut < text.size() - 1; cut += 7) {
        cuts.push_back(cut);
    }
    for (std::size_t cut : cuts) {
        const VerifyReport report = verify_log(text.substr(0, cut));
        ASSERT_TRUE(report.ok()) << cut << ": " << report.problem->message;
        ASSERT_TRUE(report.torn);
        EXPECT_EQ(report.torn->line, 3U);
        EXPECT_EQ(report.torn->bytes, cut - last);
        EXPECT_EQ(report.records, 2U);
    }
}

TEST(AuditChain, AppendAfterATornTailRecoversAndStillVerifies) {
    TempDir dir;
    const std::string text = written_log(dir, 2);
    const std::string torn = text.substr(0, text.size() - 10);
    testing::write_file(dir.path() / "audit.jsonl", torn);
    AuditLog log(dir.path() / "audit.jsonl");
    auto appended = log.append({{"type", "run-end"}, {"run_id", "r2"}}, true);
    ASSERT_TRUE(appended) << appended.error();
    const std::string after = testing::read_file(dir.path() / "audit.jsonl");
    EXPECT_EQ(after.substr(0, torn.size()), torn); // the torn bytes are kept as evidence
    const VerifyReport report = verify_log(after);
    ASSERT_TRUE(report.ok()) << report.problem->message;
    EXPECT_FALSE(report.torn);
    ASSERT_EQ(report.recovered_torn.size(), 1U);
    EXPECT_EQ(report.recovered_torn[0], 3U);
    EXPECT_EQ(report.parsed.back()["type"], "run-end");
    EXPECT_EQ(report.parsed[report.parsed.size() - 2]["type"], "torn");
    EXPECT_EQ(appended->seq, 3U); // seq 2 was torn; the torn record took seq 2
}

// Only the newline was lost: the last record is whole. The next append adds the newline alone
// (a `torn` record would repeat its seq and the log would never verify again).
TEST(AuditChain, AWholeLastRecordThatLostOnlyItsNewlineIsCompletedNotRecovered) {
    TempDir dir;
    const std::string text = written_log(dir, 2);
    const std::string cut = text.substr(0, text.size() - 1);
    testing::write_file(dir.path() / "audit.jsonl", cut);
    auto appended =
        AuditLog(dir.path() / "audit.jsonl").append({{"type", "run-end"}, {"run_id", "r2"}}, true);
    ASSERT_TRUE(appended) << appended.error();
    const std::string after = testing::read_file(dir.path() / "audit.jsonl");
    EXPECT_EQ(after.substr(0, text.size()), text);
    const VerifyReport report = verify_log(after);
    ASSERT_TRUE(report.ok()) << report.problem->message;
    EXPECT_TRUE(report.recovered_torn.empty());
    EXPECT_EQ(report.records, 4U); // log-start, two records, run-end: nothing torn
    EXPECT_EQ(appended->seq, 3U);
    EXPECT_EQ(report.parsed.back()["type"], "run-end");
}

TEST(AuditChain, ATornRecoveryThatDoesNotMatchIsTampering) {
    TempDir dir;
    const std::string text = written_log(dir, 1);
    testing::write_file(dir.path() / "audit.jsonl", text.substr(0, text.size() - 5));
    ASSERT_TRUE(
        AuditLog(dir.path() / "audit.jsonl").append({{"type", "x"}, {"run_id", "r"}}, false));
    auto lines = lines_of(testing::read_file(dir.path() / "audit.jsonl"));
    lines[1] += "x"; // the torn line changed after its recovery named it
    const VerifyReport report = verify_log(joined(lines));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problem->line, 2U);
}

TEST(AuditChain, AFirstLineTornAtCreationStartsTheLogOver) {
    TempDir dir;
    testing::write_file(dir.path() / "audit.jsonl", R"({"type":"log-st)");
    AuditLog log(dir.path() / "audit.jsonl");
    ASSERT_TRUE(log.append({{"type", "x"}, {"run_id", "r"}}, false));
    const VerifyReport report = verify_log(testing::read_file(dir.path() / "audit.jsonl"));
    ASSERT_TRUE(report.ok()) << report.problem->message;
    EXPECT_EQ(report.records, 2U);
    EXPECT_EQ(report.recovered_torn.size(), 1U);
}

TEST(AuditChain, AFileThatIsNotALogIsRefusedForAppending) {
    TempDir dir;
    testing::write_file(dir.path() / "audit.jsonl", "{\"seq\":0}\n");
    auto appended = AuditLog(dir.path() / "audit.jsonl").append({{"type", "x"}}, false);
    ASSERT_FALSE(appended);
    EXPECT_NE(appended.error().find("not a breakglass audit log"), std::string::npos);
}

} // namespace
} // namespace breakglass::audit
