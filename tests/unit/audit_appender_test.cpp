#include "audit/appender.hpp"
#include "audit/record.hpp"
#include "audit/verifier.hpp"
#include "audit_test_dir.hpp"

#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace breakglass::audit {
namespace {

using testing::TempDir;

TEST(AuditAppender, CreatesTheFileOwnerOnlyWithItsDirectory) {
    TempDir dir;
    const auto path = dir.path() / "state" / "breakglass" / "audit.jsonl";
    const mode_t umask_before = ::umask(022); // what would give 0755 directories
    auto appended = AuditLog(path).append({{"type", "x"}, {"run_id", "r"}}, true);
    ::umask(umask_before);
    ASSERT_TRUE(appended) << appended.error();
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
    // Every directory it had to make, not only the last.
    for (const auto& made : {dir.path() / "state", dir.path() / "state" / "breakglass"}) {
        ASSERT_EQ(::stat(made.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777U, 0700U) << made;
    }
    EXPECT_EQ(appended->seq, 1U);
    EXPECT_EQ(appended->path, path);
}

// Others who may write to the log's directory could replace or remove the log between runs,
// which the hash chain inside it cannot show: refused before anything is written.
TEST(AuditAppender, RefusesADirectoryOthersMayWriteToOrAnotherUserOwns) {
    TempDir dir;
    const auto shared = dir.path() / "shared";
    std::filesystem::create_directory(shared);
    for (const auto& [mode, words] : {std::pair<mode_t, std::string>{0777, "writable by everyone"},
                                      {0775, "writable by its group"},
                                      {01777, "writable by everyone"}}) {
        ASSERT_EQ(::chmod(shared.c_str(), mode), 0);
        auto appended = AuditLog(shared / "audit.jsonl").append({{"type", "x"}}, false);
        ASSERT_FALSE(appended) << std::oct << mode;
        EXPECT_NE(appended.error().find(words), std::string::npos) << appended.error();
        EXPECT_NE(appended.error().find("audit log " + (shared / "audit.jsonl").string()),
                  std::string::npos)
            << appended.error();
        EXPECT_FALSE(std::filesystem::exists(shared / "audit.jsonl"));
    }
    ASSERT_EQ(::chmod(shared.c_str(), 0755), 0);
    EXPECT_TRUE(AuditLog(shared / "audit.jsonl").append({{"type", "x"}}, false));
    if (::geteuid() == 0) { // only root can give a directory away
        const auto theirs = dir.path() / "theirs";
        std::filesystem::create_directory(theirs);
        ASSERT_EQ(::chown(theirs.c_str(), 65534, 65534), 0);
        auto appended = AuditLog(theirs / "audit.jsonl").append({{"type", "x"}}, false);
        ASSERT_FALSE(appended);
        EXPECT_NE(appended.error().find("owned by uid 65534"), std::string::npos)
            << appended.error();
    }
}

TEST(AuditAppender, RefusesASymlinkedLog) {
    TempDir dir;
    testing::write_file(dir.path() / "elsewhere", "");
    std::filesystem::create_symlink(dir.path() / "elsewhere", dir.path() / "audit.jsonl");
    auto appended = AuditLog(dir.path() / "audit.jsonl").append({{"type", "x"}}, false);
    ASSERT_FALSE(appended);
    EXPECT_NE(appended.error().find("cannot open"), std::string::npos) << appended.error();
}

TEST(AuditAppender, UnwritableLocationIsAnErrorValueNamingThePath) {
    TempDir dir;
    const auto locked = dir.path() / "locked";
    std::filesystem::create_directory(locked);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_read |
                                             std::filesystem::perms::owner_exec);
    // Root ignores directory modes; a path below a regular file fails for everyone.
    testing::write_file(dir.path() / "file", "");
    for (const auto& path : {dir.path() / "file" / "audit.jsonl", locked / "audit.jsonl"}) {
        if (::geteuid() == 0 && path.parent_path() == locked) {
            continue;
        }
        auto appended = AuditLog(path).append({{"type", "x"}, {"run_id", "r"}}, true);
        ASSERT_FALSE(appended) << path;
        EXPECT_NE(appended.error().find(path.string()), std::string::npos) << appended.error();
    }
}

TEST(AuditAppender, RotatesBySizeAndTheNewFileNamesItsPredecessor) {
    TempDir dir;
    const auto path = dir.path() / "audit.jsonl";
    AuditLog log(path, 1024);
    std::uint64_t last_seq = 0;
    for (int index = 0; index < 12; ++index) {
        auto appended = log.append(
            {{"type", "node-result"}, {"run_id", "r"}, {"pad", std::string(200, 'x')}}, false);
        ASSERT_TRUE(appended) << appended.error();
        last_seq = appended->seq;
    }
    std::vector<std::filesystem::path> rotated;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        if (entry.path() != path) {
            rotated.push_back(entry.path());
        }
    }
    ASSERT_GE(rotated.size(), 2U);
    for (const auto& file : rotated) {
        EXPECT_LE(std::filesystem::file_size(file), 1024U) << file;
    }
    // Walk the chain backwards from the current file: every file verifies, and each one's
    // log-start names the previous file's record count and final head.
    auto report = verify_log_file(path);
    ASSERT_TRUE(report && report->ok());
    EXPECT_EQ(report->chain_records(), last_seq + 1);
    const std::string log_id = report->log_id;
    std::size_t files = 1;
    while (report->predecessor) {
        const Predecessor before = *report->predecessor;
        auto older = verify_log_file(before.path);
        ASSERT_TRUE(older) << older.error();
        ASSERT_TRUE(older->ok()) << older->problem->message;
        EXPECT_EQ(older->chain_records(), before.records);
        EXPECT_EQ(older->head, before.head);
        EXPECT_EQ(older->log_id, log_id);
        report = std::move(older);
        ++files;
    }
    EXPECT_EQ(report->first_seq, 0U);
    EXPECT_EQ(files, rotated.size() + 1);
}

// A log-start that claims a predecessor proves nothing by itself: anyone who can write the file
// can write one that names the head a pasted checkpoint shows. Only the earlier file does.
TEST(AuditAppender, AForgedRotationIsCaughtByTheEarlierFileItNames) {
    TempDir dir;
    const auto path = dir.path() / "audit.jsonl";
    AuditLog log(path, 1024);
    for (int index = 0; index < 12; ++index) {
        ASSERT_TRUE(log.append(
            {{"type", "node-result"}, {"run_id", "r"}, {"pad", std::string(200, 'x')}}, false));
    }
    auto genuine = verify_log_file(path).value();
    verify_earlier_files(genuine, verify_log_file);
    ASSERT_TRUE(genuine.ok()) << genuine.problem->message; // the real chain of files verifies

    // The whole history replaced by one log-start naming the real head and count, with a
    // predecessor that does not exist, or that is not the file it claims to be.
    const std::uint64_t records = genuine.chain_records();
    for (const std::string& named : {(dir.path() / "gone").string(), genuine.predecessor->path}) {
        nlohmann::json start{
            {"type", "log-start"},
            {"run_id", ""},
            {"log_id", genuine.log_id},
            {"predecessor", {{"path", named}, {"records", records}, {"head", genuine.head}}}};
        const std::string forged = seal_record(start, records, genuine.head, now_timestamp());
        VerifyReport report = verify_log(forged + "\n");
        ASSERT_TRUE(report.ok()) << "the file alone cannot tell: " << report.problem->message;
        verify_earlier_files(report, verify_log_file);
        ASSERT_FALSE(report.ok()) << named;
        EXPECT_NE(report.problem->message.find(named), std::string::npos)
            << report.problem->message;
    }

    // A log-start whose seq does not continue the count it names is caught in the file alone.
    nlohmann::json start{{"type", "log-start"},
                         {"run_id", ""},
                         {"log_id", genuine.log_id},
                         {"predecessor", {{"path", "x"}, {"records", 5}, {"head", genuine.head}}}};
    EXPECT_FALSE(verify_log(seal_record(start, 9, genuine.head, now_timestamp()) + "\n").ok());
}

// Two processes appending at once: every record lands once, with one chain and no torn line.
TEST(AuditAppender, ConcurrentAppendersKeepOneValidChain) {
    TempDir dir;
    const auto path = dir.path() / "audit.jsonl";
    constexpr int k_writers = 4;
    constexpr int k_each = 50;
    std::vector<pid_t> children;
    for (int writer = 0; writer < k_writers; ++writer) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            AuditLog log(path, 8192); // small, so rotation races with appends too
            for (int index = 0; index < k_each; ++index) {
                if (!log.append({{"type", "node-result"},
                                 {"run_id", "w" + std::to_string(writer)},
                                 {"index", index}},
                                false)) {
                    ::_exit(1);
                }
            }
            ::_exit(0);
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::set<std::pair<std::string, int>> seen;
    std::uint64_t chain_records = 0;
    std::uint64_t files = 0;
    std::optional<std::filesystem::path> file = path;
    while (file) {
        ++files;
        auto report = verify_log_file(*file);
        ASSERT_TRUE(report) << report.error();
        ASSERT_TRUE(report->ok()) << *file << ": line " << report->problem->line << ": "
                                  << report->problem->message;
        EXPECT_FALSE(report->torn);
        if (chain_records == 0) {
            chain_records = report->chain_records();
        }
        for (const nlohmann::json& record : report->parsed) {
            if (record["type"] == "node-result") {
                EXPECT_TRUE(seen.emplace(record["run_id"], record["index"]).second);
            }
        }
        file.reset();
        if (report->predecessor) {
            file = report->predecessor->path;
        }
    }
    EXPECT_EQ(seen.size(), std::size_t{k_writers * k_each});
    // Nothing but the records and one log-start per file: no record was written twice.
    EXPECT_EQ(chain_records, std::uint64_t{k_writers * k_each} + files);
}

} // namespace
} // namespace breakglass::audit
