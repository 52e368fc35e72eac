// The node journal's lines (containment/node_journal.hpp) are written by anyone root on the
// node: only lines of exactly the documented shape are read, and daemonset-status's report
// counts the others without showing them.
#include "containment/node_journal.hpp"
#include "containment/node_report.hpp"
#include "playbooks/bundle.hpp"
#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

using namespace breakglass::containment;

namespace {

const std::string k_run = "0123456789abcdef0123456789abcdef";
const std::string k_line = "v1 2026-12-06T19:04:09Z run=" + k_run +
                           " by=alice@laptop-1.corp action=freeze outcome=ok ds=kube-system/agent";

TEST(NodeJournalLine, ReadsEveryField) {
    auto entry = parse_journal_line(k_line);
    ASSERT_TRUE(entry) << entry.error();
    EXPECT_EQ(entry->time, "2026-12-06T19:04:09Z");
    EXPECT_EQ(entry->run_id, k_run);
    EXPECT_EQ(entry->responder, "alice@laptop-1.corp");
    EXPECT_EQ(entry->action, "freeze");
    EXPECT_EQ(entry->outcome, "ok");
    EXPECT_EQ(entry->daemonset, "kube-system/agent");
}

TEST(NodeJournalLine, UnknownValuesAreDashes) {
    auto entry =
        parse_journal_line("v1 2026-12-06T19:04:09Z run=- by=- action=release outcome=exit-9 ds=-");
    ASSERT_TRUE(entry) << entry.error();
    EXPECT_EQ(entry->run_id, "-");
    EXPECT_EQ(entry->outcome, "exit-9");
    EXPECT_EQ(entry->daemonset, "-");
}

TEST(NodeJournalLine, RefusesEverythingElse) {
    const auto with = [](const std::string& from, const std::string& to) {
        std::string line = k_line;
        line.replace(line.find(from), from.size(), to);
        return line;
    };
    const std::vector<std::string> hostile = {
        "",
        "v1",
        with("v1", "v2"),
        with("action=freeze", "action=freeze\x1b[2J"),
        with("alice", "al\x1b]52;c;SGVsbG8=\x07ice"),
        with("ds=kube-system/agent", "ds=kube-system/agent\r"),
        with(" ds=", "  ds="),
        with(" ds=", "\tds="),
        k_line + " ",
        k_line + " extra=1",
        with("2026-12-06T19:04:09Z", "2026-12-06 19:04:09"),
        with("2026-12-06T19:04:09Z", "2026-12-06T19:04:09+01:00"),
        with("run=" + k_run, "run=" + k_run.substr(1)),
        with("run=" + k_run, "run=" + std::string(32, 'A')),
        with("run=", "rid="),
        with("by=alice@", "by=alice"),
        with("by=alice@", "by=al ice@"),
        with("by=alice@", "by=-alice@"),
        with("by=alice@laptop", "by=" + std::string(33, 'a') + "@laptop"),
        with("laptop-1.corp", std::string(65, 'h')),
        with("action=freeze", "action=rm"),
        with("outcome=ok", "outcome=exit-0"),
        with("outcome=ok", "outcome=exit-256"),
        with("outcome=ok", "outcome=exit-07"),
        with("outcome=ok", "outcome=failed"),
        with("ds=kube-system/agent", "ds=kube-system"),
        with("ds=kube-system/agent", "ds=Kube/agent"),
        with("ds=kube-system/agent", "ds=kube-system/" + std::string(254, 'a')),
        with("ds=kube-system/agent", "ds=a/" + std::string(k_max_journal_line, 'a')),
    };
    for (const std::string& line : hostile) {
        EXPECT_FALSE(parse_journal_line(line)) << line;
    }
}

TEST(NodeJournalLine, TheLongestValidLineIsWithinTheCap) {
    const std::string line = "v1 2026-12-06T19:04:09Z run=" + k_run +
                             " by=" + std::string(32, 'u') + "@" + std::string(64, 'h') +
                             " action=unisolate outcome=exit-255 ds=" + std::string(63, 'n') + "/" +
                             std::string(253, 'd');
    EXPECT_LE(line.size(), k_max_journal_line);
    EXPECT_TRUE(parse_journal_line(line));
}

TEST(NodeJournalResponder, AlwaysMatchesTheShippedPattern) {
    const std::filesystem::path source = BREAKGLASS_SOURCE_DIR;
    std::ifstream in(source / "playbooks/shipped/daemonset-freeze.json");
    std::ostringstream text;
    text << in.rdbuf();
    breakglass::playbooks::BundleStamp stamp;
    stamp.clusters = {"prod"};
    stamp.issued_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 1};
    stamp.expires = stamp.issued_at + std::chrono::days{30};
    auto bundled =
        breakglass::playbooks::bundle_playbook(text.str(), source / "playbooks/lib", stamp);
    ASSERT_TRUE(bundled);
    auto playbook = breakglass::playbooks::parse_playbook(*bundled);
    ASSERT_TRUE(playbook) << playbook.error();
    std::string pattern;
    for (const auto& param : playbook->params) {
        if (param.name == "responder") {
            pattern = param.pattern;
        }
    }
    auto compiled = breakglass::playbooks::compile_pattern(pattern);
    ASSERT_TRUE(compiled) << pattern;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"alice", "laptop"},  {"root", "node-1.example.org"},
        {"1000", "host"},     {"al ice;rm -rf", "h$(reboot)"},
        {".hidden", "-host"}, {std::string(100, 'u'), std::string(300, 'h')},
        {"\x1b[2J", "\n"},    {"jürgen", "höst"},
    };
    for (const auto& [user, host] : cases) {
        const std::string responder = journal_responder(user, host);
        EXPECT_TRUE(std::regex_match(responder, *compiled)) << responder;
        EXPECT_TRUE(parse_journal_line("v1 2026-12-06T19:04:09Z run=- by=" + responder +
                                       " action=stop outcome=ok ds=-"))
            << responder;
    }
    EXPECT_EQ(journal_responder("alice", "laptop"), "alice@laptop");
    EXPECT_EQ(journal_responder("", "laptop"), "-");
    EXPECT_EQ(journal_responder("alice", ""), "-");
}

TEST(NodeJournalReport, StatusKeepsParsedLinesAndCountsTheRest) {
    const std::string status = "journal " + k_line + "\njournal v1 garbage\x1b[31m\njournal\n" +
                               "fact cgroup v2\nmatched 0\n";
    auto report = parse_node_report({status});
    ASSERT_TRUE(report) << report.error();
    ASSERT_EQ(report->journal.size(), 1U);
    EXPECT_EQ(report->journal[0].run_id, k_run);
    EXPECT_EQ(report->journal_unreadable, 2U);
}

} // namespace
