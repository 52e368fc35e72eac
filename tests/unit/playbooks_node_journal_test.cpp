// playbooks/lib/node_journal.sh, inlined after daemonset_match.sh as the mutating shipped
// playbooks do, run by the real /bin/sh and flock(1) against a journal folder of the test's own:
// the lock serializes and gives up after its wait without acting, each run appends one line that
// containment/node_journal.hpp reads, and the journal keeps only its last lines. The lab test
// (node_journal_test) runs the signed playbooks on real nodes.
#include "containment/node_journal.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/integration/support/text_search.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;

namespace {

const fs::path k_source = BREAKGLASS_SOURCE_DIR;
const std::string k_run = "0123456789abcdef0123456789abcdef";

using breakglass::testing::read_text;

using breakglass::testing::lines_of;

class NodeJournalScript : public ::testing::Test {
protected:
    // Runs BODY after the libraries, with the journal in the test's folder and the variables a
    // freeze of kube-system/agent sets (VARIABLES may change them).
    ProcessResult run(const std::string& body, const std::string& variables = "") {
        const std::string script =
            read_text(k_source / "playbooks/lib/daemonset_match.sh") +
            read_text(k_source / "playbooks/lib/node_journal.sh") + "BG_JOURNAL_DIR='" +
            m_dir.path() + "/run'\nBG_RUN_ID=" + k_run +
            "\nBG_RESPONDER=alice@laptop\nBG_ACTION=freeze\nBG_DAEMONSET=kube-system/agent\n"
            "BG_LOCK_WAIT=1\n" +
            variables + body;
        return run_process({"/bin/sh", "-euc", script}, std::chrono::seconds(30));
    }

    std::string journal() const { return read_text(m_dir.path() + "/run/journal"); }

    TempDir m_dir;
};

} // namespace

TEST_F(NodeJournalScript, OneReadableLinePerRunWithTheActionsStatus) {
    auto ok = run("act() { echo acted; }\nbg_journal_locked act\n");
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "acted\n");
    auto failed = run("act() { return 5; }\nbg_journal_locked act\n",
                      "BG_RUN_ID=-\nBG_ACTION=release\nBG_DAEMONSET=\n");
    EXPECT_EQ(failed.exit_code, 5) << failed.err;
    const std::vector<std::string> lines = lines_of(journal());
    ASSERT_EQ(lines.size(), 2U) << journal();
    auto first = breakglass::containment::parse_journal_line(lines[0]);
    ASSERT_TRUE(first) << first.error() << ": " << lines[0];
    EXPECT_EQ(first->run_id, k_run);
    EXPECT_EQ(first->responder, "alice@laptop");
    EXPECT_EQ(first->action, "freeze");
    EXPECT_EQ(first->outcome, "ok");
    EXPECT_EQ(first->daemonset, "kube-system/agent");
    auto second = breakglass::containment::parse_journal_line(lines[1]);
    ASSERT_TRUE(second) << second.error() << ": " << lines[1];
    EXPECT_EQ(second->run_id, "-");
    EXPECT_EQ(second->outcome, "exit-5");
    EXPECT_EQ(second->daemonset, "-");
}

TEST_F(NodeJournalScript, AHeldLockFailsAsNodeBusyAfterTheWaitWithoutActing) {
    // This shell holds the lock through its own open of the file: the library's open is another
    // open file description, so flock(1) in it conflicts exactly as another process would.
    auto busy = run("mkdir -p \"$BG_JOURNAL_DIR\"\nexec 8>>\"$BG_JOURNAL_DIR/lock\"\nflock -x 8\n"
                    "act() { echo acted; }\nbg_journal_locked act\n");
    EXPECT_EQ(busy.exit_code, 11);
    EXPECT_EQ(busy.out, "");
    EXPECT_NE(busy.err.find("node-busy"), std::string::npos) << busy.err;
    EXPECT_NE(busy.err.find("waited 1s"), std::string::npos) << busy.err;
    EXPECT_EQ(journal(), "");
}

TEST_F(NodeJournalScript, TheLockIsReleasedAfterTheAction) {
    auto twice = run("act() { :; }\nbg_journal_locked act\nbg_journal_locked act\n"
                     "exec 8>>\"$BG_JOURNAL_DIR/lock\"\nflock -n -x 8\n");
    EXPECT_EQ(twice.exit_code, 0) << twice.err;
    EXPECT_EQ(lines_of(journal()).size(), 2U);
}

TEST_F(NodeJournalScript, KeepsOnlyTheLastLines) {
    // The shipped cap (BG_JOURNAL_KEEP=50) lowered to 3, so that 5 runs pass it.
    auto many = run("act() { :; }\ni=0\nwhile [ $i -lt 5 ]; do BG_RUN_ID=$i$i$i$i$i$i$i$i; "
                    "BG_RUN_ID=$BG_RUN_ID$BG_RUN_ID$BG_RUN_ID$BG_RUN_ID; bg_journal_locked act; "
                    "i=$((i + 1)); done\n",
                    "BG_JOURNAL_KEEP=3\n");
    ASSERT_EQ(many.exit_code, 0) << many.err;
    const std::vector<std::string> lines = lines_of(journal());
    ASSERT_EQ(lines.size(), 3U);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto entry = breakglass::containment::parse_journal_line(lines[i]);
        ASSERT_TRUE(entry) << lines[i];
        EXPECT_EQ(entry->run_id, std::string(32, static_cast<char>('2' + i))) << "the last three";
    }
}

TEST_F(NodeJournalScript, RefusesValuesOutsideTheirShapeBeforeTakingTheLock) {
    for (const std::string& variables :
         {std::string("BG_RUN_ID='x; reboot'\n"), std::string("BG_RESPONDER='a b@c'\n"),
          std::string("BG_ACTION=delete\n"), std::string("BG_DAEMONSET='a/b c'\n"),
          std::string("BG_LOCK_WAIT=0\n"), std::string("BG_LOCK_WAIT=61\n"),
          std::string("BG_RUN_ID=0123\n")}) {
        auto refused = run("act() { echo acted; }\nbg_journal_locked act\n", variables);
        EXPECT_EQ(refused.exit_code, 2) << variables;
        EXPECT_EQ(refused.out, "") << variables;
    }
    EXPECT_FALSE(fs::exists(m_dir.path() + "/run/journal"));
}

TEST_F(NodeJournalScript, ShowPassesOnlyPrintableTextAsJournalRecords) {
    fs::create_directories(m_dir.path() + "/run");
    std::ofstream(m_dir.path() + "/run/journal") << "old\n"
                                                 << "v1 a\x1b[2Jb\r\n"
                                                 << std::string(700, 'x') << "\n";
    auto shown = run("bg_journal_show\n");
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_EQ(shown.out, "journal old\njournal v1 a[2Jb\njournal " + std::string(600, 'x') + "\n");
}
