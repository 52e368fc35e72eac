// The audit log against the real lab fleet (real sshd, real ssh-keygen): the records a run
// writes and when, `audit verify|checkpoint|show` on tampered copies, a log that cannot be
// written, SIGKILL at random points, and two runs at once. One fleet for the whole suite.
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/text_search.hpp"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <spawn.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

extern char** environ; // NOLINT(readability-redundant-declaration)

using breakglass::testing::LabFleet;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using breakglass::testing::write_text;

namespace {

constexpr int k_nodes = 3;

using breakglass::testing::lines_of;

std::vector<nlohmann::json> records_of(const std::string& path) {
    std::vector<nlohmann::json> records;
    for (const std::string& line : lines_of(read_text(path))) {
        records.push_back(nlohmann::json::parse(line));
    }
    return records;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) {
        text += line + "\n";
    }
    return text;
}

// A tmpfs the test mounts over a directory of its own, unmounted by the destructor.
class TinyTmpfs {
public:
    TinyTmpfs(const std::string& dir, const std::string& options) : m_dir(dir) {
        std::filesystem::create_directories(dir);
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~TinyTmpfs() {
        if (m_mounted) {
            ::umount2(m_dir.c_str(), MNT_DETACH);
        }
    }
    TinyTmpfs(const TinyTmpfs&) = delete;
    TinyTmpfs& operator=(const TinyTmpfs&) = delete;
    bool mounted() const { return m_mounted; }

private:
    std::string m_dir;
    bool m_mounted = false;
};

class AuditLogTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!LabFleet::missing_prerequisite().empty()) {
            return;
        }
        try {
            s_fleet = std::make_unique<LabFleet>("audit-log", k_nodes, 1);
            s_dir = std::make_unique<TempDir>();
            s_inventory = s_dir->path() + "/inventory.json";
            s_fleet->import_inventory(s_inventory);
        } catch (const std::exception& error) {
            s_failure = error.what();
            s_fleet.reset();
        }
    }
    static void TearDownTestSuite() {
        s_fleet.reset();
        s_dir.reset();
    }

    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        ASSERT_TRUE(s_fleet) << "the shared fleet did not come up: " << s_failure;
        m_log = m_dir.path() + "/audit.jsonl";
    }

    // `breakglass --audit-log LOG exec -i INVENTORY ARGS...`: a read-only exec on every node.
    ProcessResult exec(const std::vector<std::string>& args, const std::string& log = "") const {
        std::vector<std::string> full{"--audit-log", log.empty() ? m_log : log, "exec", "-i",
                                      s_inventory};
        full.insert(full.end(), args.begin(), args.end());
        return s_fleet->breakglass(full);
    }

    ProcessResult audit(const std::vector<std::string>& args) const {
        std::vector<std::string> full{"audit"};
        full.insert(full.end(), args.begin(), args.end());
        return run_process([&] {
            std::vector<std::string> argv{breakglass::testing::breakglass_binary()};
            argv.insert(argv.end(), full.begin(), full.end());
            return argv;
        }());
    }

    static std::unique_ptr<LabFleet> s_fleet;
    static std::unique_ptr<TempDir> s_dir;
    static std::string s_inventory;
    static std::string s_failure;
    TempDir m_dir;
    std::string m_log;
};

std::unique_ptr<LabFleet> AuditLogTest::s_fleet;
std::unique_ptr<TempDir> AuditLogTest::s_dir;
std::string AuditLogTest::s_inventory;
std::string AuditLogTest::s_failure;

TEST_F(AuditLogTest, ARunWritesItsRecordsInOrderAndTheWaveStartBeforeAnyNodeRuns) {
    // Each node's command reads the log: the wave-start must already be there.
    // (The pattern's quotes keep it from matching the run-start's argv, where they are escaped.)
    const ProcessResult run =
        exec({"--read-only", "-o", "json", "--",
              "grep -c '\"type\":\"wave-start\"' " + m_log + "; echo out-$((6*7))"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (const auto& node : breakglass::testing::nodes_of(run.out)) {
        EXPECT_EQ(node["stdout"], "1\nout-42\n") << node.dump();
    }
    const std::string text = read_text(m_log);
    EXPECT_EQ(text.find("out-42"), std::string::npos) << "command output leaked into the log";
    const auto records = records_of(m_log);
    ASSERT_EQ(records.size(), 3U + k_nodes + 1);
    EXPECT_EQ(records[0]["type"], "log-start");
    EXPECT_EQ(records[1]["type"], "run-start");
    EXPECT_EQ(records[2]["type"], "wave-start");
    const std::string run_id = records[1]["run_id"];
    EXPECT_EQ(run_id.size(), 32U);
    std::set<std::string> nodes;
    for (int index = 0; index < k_nodes; ++index) {
        const nlohmann::json& result = records[3 + static_cast<std::size_t>(index)];
        EXPECT_EQ(result["type"], "node-result");
        EXPECT_EQ(result["run_id"], run_id);
        EXPECT_EQ(result["status"], "ok");
        EXPECT_EQ(result["exit_code"], 0);
        EXPECT_EQ(result["stdout"]["bytes"], 9U);
        // sha256("1\nout-42\n"): the output's hash, never the output.
        EXPECT_EQ(result["stdout"]["sha256"],
                  "6510a837c89edbadcaae1747bc1756528c44d846f84cfda9656c72fde724e95b");
        EXPECT_TRUE(result["host_key_fingerprint"].get<std::string>().starts_with("SHA256:"));
        nodes.insert(result["node"].get<std::string>());
    }
    EXPECT_EQ(nodes.size(), std::size_t{k_nodes});
    const nlohmann::json& start = records[1];
    EXPECT_EQ(start["argv"][1], "--audit-log");
    EXPECT_EQ(start["inventory"]["path"], s_inventory);
    const ProcessResult digest = run_process({"sha256sum", s_inventory});
    ASSERT_EQ(digest.exit_code, 0) << digest.err;
    EXPECT_EQ(start["inventory"]["sha256"], digest.out.substr(0, 64)) << "the bytes loaded";
    EXPECT_EQ(start["job_sha256"].get<std::string>().size(), 64U);
    for (const nlohmann::json& node : records[2]["nodes"]) {
        EXPECT_EQ(node["job_sha256"], start["job_sha256"]) << "exec sends every node one job";
    }
    EXPECT_FALSE(start["inventory"]["signer"].is_null());
    EXPECT_EQ(start["plan"]["waves"][0]["nodes"].size(), std::size_t{k_nodes});
    EXPECT_EQ(records[2]["wave"], 1);
    EXPECT_EQ(records[2]["nodes"].size(), std::size_t{k_nodes});
    const nlohmann::json& end = records.back();
    EXPECT_EQ(end["type"], "run-end");
    EXPECT_EQ(end["end_reason"], "completed");
    EXPECT_EQ(end["counts"]["ok"], k_nodes);

    // The head printed at the end is the one verify computes.
    const ProcessResult verified = audit({"verify", m_log, "-o", "json"});
    ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    const nlohmann::json report = nlohmann::json::parse(verified.out);
    EXPECT_EQ(report["records"], records.size());
    EXPECT_NE(run.err.find("audit: chain head " + report["head"].get<std::string>() + " (" +
                           std::to_string(records.size()) + " records) in " + m_log),
              std::string::npos)
        << run.err;

    const ProcessResult shown =
        audit({"--audit-log", m_log, "show", "--run", run_id.substr(0, 8), "-o", "json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const nlohmann::json runs = nlohmann::json::parse(shown.out)["runs"];
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0]["counts"]["ok"], k_nodes);
    EXPECT_EQ(runs[0]["end_reason"], "completed");
    EXPECT_EQ(runs[0]["nodes"].size(), std::size_t{k_nodes});
}

TEST_F(AuditLogTest, VerifyNamesEveryKindOfTamperingAndASignedCheckpointCatchesACutTail) {
    for (int run = 0; run < 2; ++run) {
        ASSERT_EQ(exec({"--read-only", "--", "true"}).exit_code, 0);
    }
    // A key whose signatures on checkpoints allowed_signers trusts.
    const std::string key = m_dir.path() + "/auditor";
    ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "a", "-f", key})
                  .exit_code,
              0);
    const std::string signers = m_dir.path() + "/allowed_signers";
    write_text(signers,
               "auditor@example namespaces=\"breakglass-audit\" " + read_text(key + ".pub"));
    const std::string checkpoint = m_dir.path() + "/checkpoint";
    const ProcessResult made =
        audit({"--audit-log", m_log, "checkpoint", "--sign-with", key, "-O", checkpoint});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const ProcessResult good =
        audit({"verify", m_log, "--checkpoint", checkpoint, "--allowed-signers", signers});
    EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
    EXPECT_NE(good.out.find("signed by auditor@example"), std::string::npos) << good.out;
    // --require-signed: the signed checkpoint passes; the same checkpoint without its .sig (as
    // whoever rewrote the log would leave it) passes only without the flag.
    EXPECT_EQ(audit({"verify", m_log, "--checkpoint", checkpoint, "--allowed-signers", signers,
                     "--require-signed"})
                  .exit_code,
              0);
    const std::string bare = m_dir.path() + "/bare-checkpoint";
    write_text(bare, read_text(checkpoint));
    const ProcessResult unsigned_ok = audit({"verify", m_log, "--checkpoint", bare});
    EXPECT_EQ(unsigned_ok.exit_code, 0) << unsigned_ok.out << unsigned_ok.err;
    EXPECT_NE(unsigned_ok.out.find("ok, unsigned"), std::string::npos) << unsigned_ok.out;
    const ProcessResult required =
        audit({"verify", m_log, "--checkpoint", bare, "--require-signed"});
    EXPECT_EQ(required.exit_code, 1) << required.out << required.err;
    EXPECT_NE(required.out.find("FAILED: unsigned (no " + bare + ".sig), and --require-signed"),
              std::string::npos)
        << required.out;
    const ProcessResult no_checkpoint = audit({"verify", m_log, "--require-signed"});
    EXPECT_EQ(no_checkpoint.exit_code, 2) << no_checkpoint.out << no_checkpoint.err;
    EXPECT_NE(no_checkpoint.err.find("--require-signed needs at least one --checkpoint"),
              std::string::npos)
        << no_checkpoint.err;

    const auto lines = lines_of(read_text(m_log));
    ASSERT_GE(lines.size(), 10U);
    const std::string copy = m_dir.path() + "/copy.jsonl";
    // One changed byte in record seq 4 (line 5).
    std::vector<std::string> changed = lines;
    changed[4][changed[4].find("\"node\":\"node") + 13] = 'X';
    write_text(copy, joined(changed));
    ProcessResult verdict = audit({"verify", copy});
    EXPECT_EQ(verdict.exit_code, 1) << verdict.out;
    EXPECT_NE(verdict.out.find("TAMPERED line 5 (seq 4)"), std::string::npos) << verdict.out;
    // A deleted record.
    std::vector<std::string> deleted = lines;
    deleted.erase(deleted.begin() + 4);
    write_text(copy, joined(deleted));
    verdict = audit({"verify", copy});
    EXPECT_EQ(verdict.exit_code, 1);
    EXPECT_NE(verdict.out.find("line 5 (seq 5): seq 5 where 4 was expected"), std::string::npos)
        << verdict.out;
    // Two records swapped.
    std::vector<std::string> swapped = lines;
    std::swap(swapped[3], swapped[4]);
    write_text(copy, joined(swapped));
    verdict = audit({"verify", copy});
    EXPECT_EQ(verdict.exit_code, 1);
    EXPECT_NE(verdict.out.find("TAMPERED line 4 (seq 4)"), std::string::npos) << verdict.out;
    // The last two records cut off: the chain alone cannot tell, the checkpoint can.
    write_text(copy, joined({lines.begin(), lines.end() - 2}));
    EXPECT_EQ(audit({"verify", copy}).exit_code, 0);
    verdict = audit({"verify", copy, "--checkpoint", checkpoint, "--allowed-signers", signers});
    EXPECT_EQ(verdict.exit_code, 1);
    EXPECT_NE(verdict.out.find("the checkpoint covers " + std::to_string(lines.size()) +
                               " records, the log holds only " + std::to_string(lines.size() - 2)),
              std::string::npos)
        << verdict.out;
    // A checkpoint edited to match: its signature no longer does.
    write_text(checkpoint, [&] {
        std::string text = read_text(checkpoint);
        const std::size_t at = text.find("records ") + 8;
        text.replace(at, text.find('\n', at) - at, std::to_string(lines.size() - 2));
        return text;
    }());
    verdict = audit({"verify", m_log, "--checkpoint", checkpoint, "--allowed-signers", signers});
    EXPECT_EQ(verdict.exit_code, 1);
    EXPECT_NE(verdict.out.find("signature bad_signature"), std::string::npos) << verdict.out;
    // A log that cannot be read is exit 4.
    EXPECT_EQ(audit({"verify", m_dir.path() + "/missing.jsonl"}).exit_code, 4);
}

TEST_F(AuditLogTest, ARunSignsACheckpointAtItsEndWhenAnAuditKeyIsSet) {
    const std::string key = m_dir.path() + "/auditor";
    ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "a", "-f", key})
                  .exit_code,
              0);
    const std::string signers = m_dir.path() + "/allowed_signers";
    write_text(signers, "auditor@example " + read_text(key + ".pub"));
    const ProcessResult run = exec({"--read-only", "--audit-key", key, "--", "true"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("audit: signed checkpoint " + m_log + ".checkpoint"), std::string::npos)
        << run.err;
    const ProcessResult verdict = audit(
        {"verify", m_log, "--checkpoint", m_log + ".checkpoint", "--allowed-signers", signers});
    EXPECT_EQ(verdict.exit_code, 0) << verdict.out << verdict.err;
}

TEST_F(AuditLogTest, ALogThatCannotBeWrittenRefusesTheRunBeforeAnyNodeIsContacted) {
    const std::string marker = m_dir.path() + "/contacted";
    // Read-only, then full: a 16 KiB tmpfs filled by the test.
    // mode=0700: a tmpfs root is 1777 by default, which the audit log's directory check would
    // refuse before the read-only mount or the full disk this test is about.
    for (const std::string& options :
         {std::string("ro,size=16k,mode=0700"), std::string("size=16k,mode=0700")}) {
        const std::string mount_point = m_dir.path() + "/tiny";
        TinyTmpfs tiny(mount_point, options);
        ASSERT_TRUE(tiny.mounted()) << "mount -t tmpfs -o " << options;
        if (options == "size=16k,mode=0700") {
            const int fd = ::open((mount_point + "/filler").c_str(), O_WRONLY | O_CREAT, 0600);
            ASSERT_GE(fd, 0);
            const std::string block(4096, 'f');
            while (::write(fd, block.data(), block.size()) > 0) {
            }
            ::close(fd);
        }
        const ProcessResult run =
            exec({"--read-only", "--", "touch " + marker}, mount_point + "/audit.jsonl");
        EXPECT_EQ(run.exit_code, 4) << options << ": " << run.err;
        EXPECT_NE(run.err.find("audit log " + mount_point + "/audit.jsonl"), std::string::npos)
            << run.err;
        EXPECT_NE(run.err.find("refusing to run without an audit record"), std::string::npos);
        EXPECT_EQ(run.err.find("writable by"), std::string::npos) << run.err;
        EXPECT_FALSE(std::filesystem::exists(marker)) << options << ": a node ran the command";
    }
}

// The log becomes unwritable during the rollout: the canary's own command moves it away and
// puts a directory in its place, so the canary's node-result cannot be written. (A full disk
// is not deterministic here: a record may still fit in the slack of the file's last page.) No
// later stage may start, though its nodes were planned: they are skipped as audit-failed and
// the run exits 4.
TEST_F(AuditLogTest, ALogThatFailsDuringARolloutStopsItBeforeTheNextStage) {
    const std::string marks = m_dir.path() + "/ran";
    std::filesystem::create_directories(marks);
    const ProcessResult run = exec({"--yes", "--canary", "1", "--waves", "100%", "-o", "json", "--",
                                    "mktemp " + marks + "/node.XXXXXX >/dev/null; mv " + m_log +
                                        " " + m_log + ".moved && mkdir " + m_log});
    EXPECT_EQ(run.exit_code, 4) << run.err;
    EXPECT_NE(run.err.find("the audit log cannot be written"), std::string::npos) << run.err;
    std::size_t ran = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(marks)) {
        ++ran;
    }
    EXPECT_EQ(ran, 1U) << "only the canary ran";
    int skipped = 0;
    for (const auto& node : breakglass::testing::nodes_of(run.out)) {
        if (node["status"] == "skipped") {
            EXPECT_EQ(node["reason"], "audit-failed") << node.dump();
            ++skipped;
        }
    }
    EXPECT_EQ(skipped, k_nodes - 1) << run.out;
    // What reached the log: run-start and the canary's wave-start, nothing of wave 1.
    const auto records = records_of(m_log + ".moved");
    ASSERT_EQ(records.size(), 3U);
    EXPECT_EQ(records[1]["type"], "run-start");
    EXPECT_EQ(records[2]["type"], "wave-start");
    EXPECT_EQ(records[2]["nodes"].size(), 1U);
}

// SIGKILL at seeded random points, synchronised on state (the log grew by a chosen number of
// records, or the process ended): every log verifies, at worst with a torn last line.
TEST_F(AuditLogTest, SigkillAtRandomPointsLeavesALogThatVerifies) {
    std::mt19937 random(20);
    int killed_mid_run = 0;
    for (int round = 0; round < 20; ++round) {
        const std::size_t before = lines_of(read_text(m_log)).size();
        const std::size_t grow = std::uniform_int_distribution<std::size_t>(0, 5)(random);
        std::vector<std::string> argv =
            s_fleet->in_namespace({breakglass::testing::breakglass_binary(), "--audit-log", m_log,
                                   "exec", "-i", s_inventory, "--read-only", "--", "true"});
        std::vector<char*> raw;
        for (std::string& word : argv) {
            raw.push_back(word.data());
        }
        raw.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        pid_t child = 0;
        ASSERT_EQ(::posix_spawnp(&child, raw[0], &actions, nullptr, raw.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        int status = 0;
        bool exited = false;
        // State, not time: the log has `grow` more lines, or the run is over.
        while (!exited) {
            const pid_t done = ::waitpid(child, &status, WNOHANG);
            exited = done == child;
            if (!exited && lines_of(read_text(m_log)).size() >= before + grow) {
                break;
            }
            std::this_thread::yield();
        }
        if (!exited) {
            ::kill(child, SIGKILL);
            ASSERT_EQ(::waitpid(child, &status, 0), child);
            killed_mid_run += WIFSIGNALED(status) ? 1 : 0;
        }
        const ProcessResult verdict = audit({"verify", m_log, "-o", "json"});
        ASSERT_EQ(verdict.exit_code, 0) << "round " << round << ": " << verdict.out;
        const nlohmann::json report = nlohmann::json::parse(verdict.out);
        EXPECT_TRUE(report["problem"].is_null());
    }
    EXPECT_GT(killed_mid_run, 0) << "no round killed a run: the test proved nothing";
    // Runs killed before their run-end show as never ended (a kill may also land after it).
    const ProcessResult shown = audit({"--audit-log", m_log, "show", "-o", "json"});
    ASSERT_EQ(shown.exit_code, 0);
    const nlohmann::json runs = nlohmann::json::parse(shown.out)["runs"];
    int unended = 0;
    for (const auto& run : runs) {
        unended += run["ended"].is_null() ? 1 : 0;
    }
    EXPECT_GT(unended, 0) << shown.out;
    EXPECT_LE(unended, killed_mid_run) << shown.out;
}

TEST_F(AuditLogTest, ATornLastLineIsReportedAsTornAndTheNextRunRecoversIt) {
    ASSERT_EQ(exec({"--read-only", "--", "true"}).exit_code, 0);
    const std::string text = read_text(m_log);
    write_text(m_log, text.substr(0, text.size() - 20)); // as a crash mid-write leaves it
    ProcessResult verdict = audit({"verify", m_log});
    EXPECT_EQ(verdict.exit_code, 0) << verdict.out;
    EXPECT_NE(verdict.out.find("TORN last line"), std::string::npos) << verdict.out;
    EXPECT_EQ(verdict.out.find("TAMPERED"), std::string::npos) << verdict.out;
    ASSERT_EQ(exec({"--read-only", "--", "true"}).exit_code, 0);
    verdict = audit({"verify", m_log});
    EXPECT_EQ(verdict.exit_code, 0) << verdict.out;
    EXPECT_NE(verdict.out.find("torn by an earlier crash, recovered"), std::string::npos)
        << verdict.out;
}

TEST_F(AuditLogTest, TwoRunsAtOnceKeepOneValidChain) {
    std::vector<std::thread> runs;
    std::vector<ProcessResult> results(2);
    for (std::size_t index = 0; index < results.size(); ++index) {
        runs.emplace_back([&, index] { results[index] = exec({"--read-only", "--", "true"}); });
    }
    for (std::thread& run : runs) {
        run.join();
    }
    for (const ProcessResult& result : results) {
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    ASSERT_EQ(audit({"verify", m_log}).exit_code, 0);
    std::map<std::string, std::vector<std::string>> by_run;
    for (const nlohmann::json& record : records_of(m_log)) {
        if (record["type"] != "log-start") {
            by_run[record["run_id"]].push_back(record["type"]);
        }
    }
    ASSERT_EQ(by_run.size(), 2U);
    for (const auto& [run, types] : by_run) {
        ASSERT_EQ(types.size(), 3U + k_nodes) << run;
        EXPECT_EQ(types.front(), "run-start");
        EXPECT_EQ(types[1], "wave-start");
        EXPECT_EQ(types.back(), "run-end");
    }
}

} // namespace
