// The node journal and the node lock (issue 20 item 6; playbooks/lib/node_journal.sh) on the
// containerd lab: real sshd, containerd and runc, the shipped playbooks signed for the fleet by
// the real ssh-keygen. One fleet of two nodes serves every case (SHARED_FLEET_SUITES): each case
// leaves the target running and counts only the journal lines written after it started.
#include "tests/integration/support/containment_fixture.hpp"
#include "tests/integration/support/text_search.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::SignedFleet;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string k_target = "kube-system/telemetry-agent";

using breakglass::testing::lines_of;

class NodeJournalTest : public breakglass::testing::ContainmentFixture {
protected:
    static void SetUpTestSuite() {
        s_fleet.bring_up("node-journal", 2, std::vector<std::string>{}, std::vector<std::string>{});
    }

    static void TearDownTestSuite() { s_fleet.reset(); }

    void SetUp() override {
        ContainmentFixture::SetUp();
        if (IsSkipped()) {
            return;
        }
        ASSERT_TRUE(s_fleet.get()) << "the shared fleet did not come up: " << s_fleet.failure();
        use(*s_fleet.get());
        const nlohmann::json all_running{{"running", m_nodes.size()}};
        ASSERT_EQ(daemonset({"status", k_target})["summary"], all_running);
        for (const std::string& node : m_nodes) {
            m_journal_before[node] = journal(node).size();
        }
    }

    std::vector<std::string> journal(const std::string& node) const {
        auto read = m_lab->node_exec(node, {"sh", "-c", "cat /run/breakglass/journal 2>/dev/null"});
        return lines_of(read.out);
    }

    // The lines NODE's journal gained since this case started (the journal keeps its last 50).
    std::vector<std::string> new_journal_lines(const std::string& node) const {
        std::vector<std::string> lines = journal(node);
        const std::size_t before = std::min(m_journal_before.at(node), lines.size());
        return {lines.begin() + static_cast<std::ptrdiff_t>(before), lines.end()};
    }

    // `breakglass --audit-log LOG daemonset ARGS... --yes -o json`: the run's own audit log.
    ProcessResult daemonset_logged(const std::string& log, std::vector<std::string> args) const {
        std::vector<std::string> argv = {"--audit-log", log, "daemonset"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), m_flags.begin(), m_flags.end());
        argv.insert(argv.end(), {"--yes", "-o", "json"});
        return m_lab->breakglass(argv, 180s);
    }

    // The run id of the one run-start in LOG.
    static std::string run_id_in(const std::string& log) {
        std::ifstream in(log);
        std::vector<std::string> ids;
        for (std::string line; std::getline(in, line);) {
            const auto record = nlohmann::json::parse(line, nullptr, false);
            if (record.is_object() && record.value("type", "") == "run-start") {
                ids.push_back(record.value("run_id", ""));
            }
        }
        EXPECT_EQ(ids.size(), 1U) << log;
        return ids.empty() ? "" : ids.front();
    }

    std::map<std::string, std::size_t> m_journal_before;
    static inline breakglass::testing::SuiteFleet<SignedFleet> s_fleet;
};

// A document as text even where it holds bytes that are not UTF-8 (for failure messages).
std::string text_of(const nlohmann::json& document) {
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The field VALUE of KEY=VALUE in a journal line.
std::string field(const std::string& line, const std::string& key) {
    const std::size_t at = line.find(" " + key + "=");
    if (at == std::string::npos) {
        return "";
    }
    const std::size_t start = at + key.size() + 2;
    return line.substr(start, line.find(' ', start) - start);
}

TEST_F(NodeJournalTest, AFreezeAndAThawStartedTogetherTakeTurnsOnEachNode) {
    const std::string freeze_log = m_dir.path() + "/freeze.jsonl";
    const std::string thaw_log = m_dir.path() + "/thaw.jsonl";
    auto freezing = std::async(std::launch::async, [&] {
        return daemonset_logged(freeze_log, {"freeze", k_target});
    });
    auto thawing = std::async(std::launch::async, [&] {
        return daemonset_logged(thaw_log, {"thaw", k_target});
    });
    const ProcessResult frozen = freezing.get();
    const ProcessResult thawed = thawing.get();
    const std::string freeze_id = run_id_in(freeze_log);
    const std::string thaw_id = run_id_in(thaw_log);
    ASSERT_EQ(freeze_id.size(), 32U);
    ASSERT_EQ(thaw_id.size(), 32U);
    EXPECT_NE(freeze_id, thaw_id);
    const auto freeze_nodes =
        breakglass::testing::nodes_by_name(nlohmann::json::parse(frozen.out, nullptr, false));
    const auto thaw_nodes =
        breakglass::testing::nodes_by_name(nlohmann::json::parse(thawed.out, nullptr, false));

    const auto status = by_node(daemonset({"status", k_target}));
    for (const std::string& node : m_nodes) {
        const std::vector<std::string> lines = new_journal_lines(node);
        ASSERT_EQ(lines.size(), 2U) << node;
        // Each action ran whole under the lock, so the node ends as the later one left it; the
        // later run's own verify step saw that state (the earlier one's may not have).
        std::set<std::string> ids;
        for (const std::string& line : lines) {
            EXPECT_EQ(field(line, "outcome"), "ok") << line;
            EXPECT_NE(line.find("by="), std::string::npos) << line;
            EXPECT_EQ(field(line, "ds"), k_target) << line;
            ids.insert(field(line, "run"));
        }
        EXPECT_EQ(ids, (std::set<std::string>{freeze_id, thaw_id})) << node;
        const std::string last = field(lines.back(), "action");
        const std::string last_run = field(lines.back(), "run");
        EXPECT_EQ(last, last_run == freeze_id ? "freeze" : "thaw") << lines.back();
        const auto& later = last_run == freeze_id ? freeze_nodes : thaw_nodes;
        ASSERT_EQ(later.count(node), 1U) << (last_run == freeze_id ? frozen.err : thawed.err);
        EXPECT_EQ(later.at(node)["status"], "ok") << text_of(later.at(node));
        const std::string want = last == "freeze" ? "paused" : "running";
        for (const auto& pod : status.at(node)["pods"]) {
            for (const auto& container : pod["containers"]) {
                EXPECT_EQ(container["state"], want) << node << " after " << lines.back();
            }
        }
    }
    // Back to running for the next case.
    daemonset({"thaw", k_target});
}

TEST_F(NodeJournalTest, AHeldLockFailsTheNodeAsNodeBusyAfterTheWaitAndChangesNothing) {
    const std::string& node = m_nodes.front();
    // The lock as another responder's run would hold it, inside the node's namespaces, until
    // the test creates the release file.
    auto holder = std::async(std::launch::async, [&] {
        return m_lab->node_exec(node,
                                {"flock", "-x", "/run/breakglass/lock", "sh", "-c",
                                 "while [ ! -e /run/breakglass/test-release ]; do sleep 0.1; done"},
                                120s);
    });
    const auto held_until = Clock::now() + 30s;
    while (m_lab->node_exec(node, {"flock", "-n", "/run/breakglass/lock", "true"}).exit_code == 0 &&
           Clock::now() < held_until) {
        std::this_thread::sleep_for(100ms);
    }
    int exit_code = -1;
    const auto started = Clock::now();
    const auto refused =
        daemonset({"freeze", k_target, "-w", node, "--lock-wait", "2s"}, &exit_code);
    const auto waited = Clock::now() - started;
    m_lab->node_exec(node, {"touch", "/run/breakglass/test-release"});
    EXPECT_EQ(holder.get().exit_code, 0);
    m_lab->node_exec(node, {"rm", "-f", "/run/breakglass/test-release"});

    EXPECT_NE(exit_code, 0);
    EXPECT_GE(waited, 2s);
    const auto nodes = by_node(refused);
    ASSERT_EQ(nodes.count(node), 1U) << text_of(refused);
    EXPECT_EQ(nodes.at(node)["reason"], "node-busy") << text_of(nodes.at(node));
    EXPECT_NE(nodes.at(node)["message"].get<std::string>().find("waited 2s"), std::string::npos)
        << text_of(nodes.at(node));
    EXPECT_TRUE(new_journal_lines(node).empty());
    EXPECT_EQ(daemonset({"status", k_target})["summary"],
              nlohmann::json({{"running", m_nodes.size()}}));
}

TEST_F(NodeJournalTest, StatusShowsTheLastEntriesAndNeverAHostileLineAsIs) {
    const std::string& node = m_nodes.back();
    // A real entry first, then what anyone root on the node could append.
    daemonset({"freeze", k_target, "-w", node});
    daemonset({"thaw", k_target, "-w", node});
    const std::string hostile =
        "printf 'v1 2026-12-06T19:04:09Z run=- by=\\033]52;c;SGk=\\007x@h action=stop "
        "outcome=ok ds=-\\n' >>/run/breakglass/journal;"
        "printf 'v1 2026-12-06T19:04:09Z run=- by=eve@h action=stop outcome=ok ds=a/b\\033[2J\\n' "
        ">>/run/breakglass/journal;"
        "head -c 5000 /dev/zero | tr '\\0' 'A' >>/run/breakglass/journal; echo "
        ">>/run/breakglass/journal;"
        "printf 'v1 not a line\\r\\n' >>/run/breakglass/journal";
    ASSERT_EQ(m_lab->node_exec(node, {"sh", "-c", hostile}).exit_code, 0);

    const auto document = daemonset({"status", k_target});
    const auto nodes = by_node(document);
    const nlohmann::json& shown = nodes.at(node);
    ASSERT_TRUE(shown["journal"].is_array()) << text_of(shown);
    // The last five lines: the thaw, then four that do not parse.
    ASSERT_EQ(shown["journal"].size(), 1U) << text_of(shown);
    EXPECT_EQ(shown["journal"][0]["action"], "thaw");
    EXPECT_EQ(shown["journal"][0]["daemonset"], k_target);
    EXPECT_EQ(shown["journal"][0]["run_id"].get<std::string>().size(), 32U);
    EXPECT_EQ(shown["journal_unreadable"], 4);

    std::vector<std::string> args = {"daemonset", "status", k_target};
    args.insert(args.end(), m_flags.begin(), m_flags.end());
    const ProcessResult human = m_lab->breakglass(args);
    EXPECT_EQ(human.exit_code, 0) << human.err;
    EXPECT_NE(human.out.find(node + ": journal: "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find(" thaw " + k_target + " by "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find(node + ": journal: 4 unreadable line(s) not shown"), std::string::npos)
        << human.out;
    for (const std::string& text : {human.out, human.err, text_of(document)}) {
        EXPECT_EQ(text.find('\x1b'), std::string::npos);
        EXPECT_EQ(text.find('\x07'), std::string::npos);
        EXPECT_EQ(text.find("AAAAAAAAAA"), std::string::npos);
    }
}

// Issue 20 item 1: every command that opens sessions is logged; scan-host-keys opens one per
// node (key exchange only) and writes run-start, wave-start, a node-result per node with the
// key it saw, and run-end. On a copy of the inventory: a scan rewrites the file it reads.
TEST_F(NodeJournalTest, ScanHostKeysWritesItsAuditRecords) {
    const std::string inventory = m_dir.path() + "/scan-inventory.json";
    const auto imported =
        run_process({breakglass::testing::breakglass_binary(), "inventory", "import", "--lab",
                     m_lab->description_path(), "-O", inventory, "--sign-with",
                     m_lab->description().at("signer_key").get<std::string>()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const std::string log = m_dir.path() + "/scan.jsonl";
    const ProcessResult scan = m_lab->breakglass(
        {"--audit-log", log, "inventory", "scan-host-keys", "-i", inventory, "-o", "json"});
    EXPECT_EQ(scan.exit_code, 0) << scan.out << scan.err;
    EXPECT_NE(scan.err.find("audit: chain head "), std::string::npos) << scan.err;

    std::ifstream in(log);
    std::vector<std::string> types;
    std::set<std::string> scanned;
    std::string run_id;
    for (std::string line; std::getline(in, line);) {
        const auto record = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(record.is_object()) << line;
        const std::string type = record.value("type", "");
        types.push_back(type);
        if (type == "run-start") {
            run_id = record.value("run_id", "");
            const auto argv = text_of(record.at("argv"));
            EXPECT_NE(argv.find("scan-host-keys"), std::string::npos) << argv;
        }
        if (type == "wave-start") {
            EXPECT_EQ(record.at("nodes").size(), m_nodes.size()) << line;
        }
        if (type == "node-result") {
            EXPECT_EQ(record.value("run_id", ""), run_id);
            EXPECT_EQ(record.value("status", ""), "ok") << line;
            EXPECT_EQ(record.value("host_key_fingerprint", "").rfind("SHA256:", 0), 0U) << line;
            scanned.insert(record.value("node", ""));
        }
    }
    const std::vector<std::string> expected_tail = {"run-start", "wave-start", "node-result",
                                                    "node-result", "run-end"};
    ASSERT_GE(types.size(), expected_tail.size());
    EXPECT_EQ(std::vector<std::string>(types.end() - 5, types.end()), expected_tail);
    EXPECT_EQ(scanned, std::set<std::string>(m_nodes.begin(), m_nodes.end()));
    const ProcessResult verified = m_lab->breakglass({"audit", "verify", log});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

} // namespace
