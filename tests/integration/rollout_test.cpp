// The rollout of a mutating run (issue 19) against one real lab fleet of 20 nodes shared by every
// case: canary and waves, the failure budget and its overshoot, unreachable nodes, who may loosen
// a signed limit, --dry-run, the refusal without a terminal, signals, and both prompts under a
// real pseudo-terminal (tmux). Nodes tell who they are by the address they were reached at
// ($SSH_CONNECTION's third word, 127.1.0.N for nodeNNNN) and leave marker files in a directory of
// the case's own: what ran where is read from the filesystem, not from our own report.
#include "tests/integration/support/containerd_lab.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/shell_quote.hpp"
#include "tests/integration/support/time_text.hpp"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::rfc3339;
using breakglass::testing::run_process;
using breakglass::testing::shell_quote;
using breakglass::testing::SuiteFleet;
using breakglass::testing::TempDir;

namespace {

constexpr int k_nodes = 20;

std::string node_name(int number) {
    char name[16];
    std::snprintf(name, sizeof name, "node%04d", number);
    return name;
}

// Polls `done` until it holds or `limit` passes: waiting on state the test can see, never a
// fixed sleep.
template <typename Predicate>
bool wait_for(const Predicate& done, std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// A breakglass started in the background (to be signalled), its streams in files.
class Background {
public:
    Background(const std::vector<std::string>& argv, const std::string& dir) {
        m_out = dir + "/bg.out";
        m_err = dir + "/bg.err";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, m_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_addopen(&actions, 2, m_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        std::vector<char*> args;
        for (const std::string& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        if (posix_spawnp(&m_pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
            m_pid = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Background() {
        if (m_pid > 0 && !m_exited) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    bool started() const { return m_pid > 0; }
    void signal(int number) const { ::kill(m_pid, number); }
    std::string err() const { return read_text(m_err); }
    std::string out() const { return read_text(m_out); }

    // The exit status once it exits within `limit` (128 + signal if killed), else -1.
    int wait(std::chrono::seconds limit = std::chrono::seconds(120)) {
        int status = 0;
        const bool exited =
            wait_for([&] { return ::waitpid(m_pid, &status, WNOHANG) == m_pid; }, limit);
        if (!exited) {
            return -1;
        }
        m_exited = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    pid_t m_pid = -1;
    bool m_exited = false;
    std::string m_out;
    std::string m_err;
};

class RolloutTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_fleet.bring_up(); }
    static void TearDownTestSuite() { s_fleet.reset(); }

    struct Fleet {
        Fleet() : lab("rollout", k_nodes, 3) {
            inventory = dir.path() + "/inventory.json";
            lab.import_inventory(inventory);
        }
        TempDir dir;
        LabFleet lab;
        std::string inventory;
    };

    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        ASSERT_NE(s_fleet.get(), nullptr) << s_fleet.failure();
        m_markers = m_dir.path() + "/markers";
        std::filesystem::create_directories(m_markers);
    }

    LabFleet& lab() const { return s_fleet.get()->lab; }

    // `exec` with the shared inventory and this case's state dir.
    std::vector<std::string> exec_args(const std::vector<std::string>& args,
                                       const std::string& inventory = "") const {
        std::vector<std::string> full{"exec", "-i",
                                      inventory.empty() ? s_fleet.get()->inventory : inventory,
                                      "--state-dir", m_dir.path() + "/state"};
        full.insert(full.end(), args.begin(), args.end());
        return full;
    }

    ProcessResult exec(const std::vector<std::string>& args,
                       const std::string& inventory = "") const {
        return lab().breakglass(exec_args(args, inventory));
    }

    // A remote script that leaves MARKERS/<prefix><N> behind, N the node's number.
    std::string mark(const std::string& prefix = "") const {
        return "set -- $SSH_CONNECTION; touch '" + m_markers + "/" + prefix + "'\"${3##*.}\"";
    }

    // The node numbers that left MARKERS/<prefix><N>.
    std::set<int> marked(const std::string& prefix = "") const {
        std::set<int> numbers;
        for (const auto& entry : std::filesystem::directory_iterator(m_markers)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind(prefix, 0) == 0 &&
                name.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
                numbers.insert(std::stoi(name.substr(prefix.size())));
            }
        }
        return numbers;
    }

    static nlohmann::json summary_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.out).at("summary");
    }

    // The names in the continue file the run's stderr points to ("listed in PATH;").
    static std::set<std::string> continue_file_names(const std::string& err) {
        const std::string marker = "listed in ";
        const auto at = err.find(marker);
        if (at == std::string::npos) {
            ADD_FAILURE() << "no continue file named in: " << err;
            return {};
        }
        const auto start = at + marker.size();
        const std::string path = err.substr(start, err.find(';', start) - start);
        std::set<std::string> names;
        std::istringstream lines(read_text(path));
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty() && line.front() != '#') {
                names.insert(line);
            }
        }
        EXPECT_NE(err.find("-w '^" + path + "'"), std::string::npos)
            << "the continue command reads the file back: " << err;
        return names;
    }

    static SuiteFleet<Fleet> s_fleet;
    TempDir m_dir;
    std::string m_markers;
};

SuiteFleet<RolloutTest::Fleet> RolloutTest::s_fleet;

} // namespace

TEST_F(RolloutTest, WithoutATerminalAndWithoutYesAMutatingRunExitsEightAndContactsNoNode) {
    std::size_t accepted_before = 0;
    const auto accepted = [&] {
        std::size_t count = 0;
        for (const auto& sshd : lab().description()["sshds"]) {
            const std::string log = read_text(sshd["log"].get<std::string>());
            for (std::size_t at = 0; (at = log.find("Accepted publickey", at)) != std::string::npos;
                 ++at) {
                ++count;
            }
        }
        return count;
    };
    accepted_before = accepted();
    auto refused = exec({"--", mark()}); // stdin is a pipe here, not a terminal
    EXPECT_EQ(refused.exit_code, 8) << refused.err;
    EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
    EXPECT_TRUE(marked().empty());
    EXPECT_EQ(accepted(), accepted_before) << "no node was logged into";

    auto read_only = exec({"--read-only", "-o", "json", "--", "true"}); // never asks
    EXPECT_EQ(read_only.exit_code, 0) << read_only.err;
    EXPECT_EQ(read_only.err.find("rollout:"), std::string::npos) << "read-only: no waves";
}

TEST_F(RolloutTest, DryRunPrintsThePlanAndOpensNoSocket) {
    const std::string trace = m_dir.path() + "/strace";
    std::vector<std::string> argv =
        lab().in_namespace({"strace", "-f", "-qq", "-e", "trace=socket,connect", "-o", trace,
                            breakglass::testing::breakglass_binary()});
    for (const std::string& arg : exec_args({"--dry-run", "--seed", "7", "--", mark()})) {
        argv.push_back(arg);
    }
    // LeakSanitizer cannot run under ptrace (the sanitizer build would abort at exit): leaks
    // are checked by every other run of the same binary, not this traced one.
    auto planned = run_process(
        argv, std::chrono::seconds(60), "",
        {"BREAKGLASS_ALLOWED_SIGNERS=" + lab().description()["allowed_signers"].get<std::string>(),
         "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"});
    ASSERT_EQ(planned.exit_code, 0) << planned.err;
    const std::string calls = read_text(trace);
    EXPECT_EQ(calls.find("AF_INET"), std::string::npos) << calls;
    EXPECT_EQ(calls.find("connect("), std::string::npos) << calls;
    EXPECT_TRUE(marked().empty());
    // 20 nodes with the defaults: canary 1, then 5% (1, dropped), 25% (5 in all), 100%.
    EXPECT_NE(planned.out.find("canary: 1 node: node"), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find("wave 1 (25%): 4 nodes: "), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find("wave 2 (100%): 15 nodes: "), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find("seed 7"), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find("load: at most 20 sessions in flight"), std::string::npos);
    EXPECT_NE(planned.out.find(mark()), std::string::npos) << "the script as sent";

    // The same seed plans the same waves; JSON says so too.
    auto again = exec({"--dry-run", "--seed", "7", "--", mark()});
    EXPECT_EQ(again.out, planned.out);
    auto json = exec({"--dry-run", "--seed", "7", "-o", "json", "--", mark()});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const nlohmann::json plan = nlohmann::json::parse(json.out);
    EXPECT_EQ(plan["type"], "plan");
    ASSERT_EQ(plan["stages"].size(), 3U);
    EXPECT_EQ(plan["stages"][0]["stage"], "canary");
    EXPECT_EQ(plan["stages"][2]["nodes"].size(), 15U);
    EXPECT_EQ(plan["steps"][0]["sent"][0]["command"], mark());
}

TEST_F(RolloutTest, ACanaryFailureStopsTheRunBeforeWaveOne) {
    // Even a budget of 100% does not let a failed canary go on.
    auto result =
        exec({"--yes", "-o", "json", "--max-failures", "100%", "--", mark() + "; exit 1"});
    EXPECT_EQ(result.exit_code, 6) << result.err;
    EXPECT_EQ(summary_of(result), nlohmann::json({{"failed", 1}, {"skipped", k_nodes - 1}}));
    EXPECT_EQ(marked().size(), 1U) << "only the canary ran";
    EXPECT_NE(result.err.find("failure budget exceeded"), std::string::npos) << result.err;
    EXPECT_EQ(continue_file_names(result.err).size(), std::size_t(k_nodes - 1));
}

TEST_F(RolloutTest, ATenPercentBudgetStopsMidRunWhenTwentyPercentFail) {
    // Nodes 5, 10, 15 and 20 fail (20%); 10% of 20 allows 2 failures, so the third stops the
    // run. One session at a time: nothing is in flight when it is crossed, so there is no
    // overshoot and the counts are exact. The default waves run one after another: the budget
    // counts across them.
    const std::string script = mark() + "; [ $(( ${3##*.} % 5 )) -ne 0 ]";
    auto serial =
        exec({"--yes", "-o", "json", "--canary", "0", "-p", "1", "--seed", "1", "--", script});
    EXPECT_EQ(serial.exit_code, 6) << serial.err;
    const nlohmann::json counts = summary_of(serial);
    EXPECT_EQ(counts["failed"], 3) << counts;
    const int ok = counts.value("ok", 0);
    const int skipped = counts.value("skipped", 0);
    EXPECT_EQ(ok + 3 + skipped, k_nodes) << counts;
    EXPECT_GT(skipped, 0) << counts;
    EXPECT_EQ(marked().size(), std::size_t(ok + 3)) << "skipped nodes never ran the script";
    EXPECT_NE(serial.err.find("at most 2 allowed (10% of 20 nodes)"), std::string::npos)
        << serial.err;
    EXPECT_EQ(continue_file_names(serial.err).size(), std::size_t(skipped));

    // Four sessions at a time: the nodes in flight when it is crossed finish (the overshoot),
    // at most three more results, and no new node starts.
    std::filesystem::remove_all(m_markers);
    std::filesystem::create_directories(m_markers);
    auto parallel =
        exec({"--yes", "-o", "json", "--canary", "0", "-p", "4", "--seed", "1", "--", script});
    EXPECT_EQ(parallel.exit_code, 6) << parallel.err;
    const nlohmann::json wide = summary_of(parallel);
    const int failed = wide.value("failed", 0);
    EXPECT_GE(failed, 3) << wide;
    EXPECT_LE(failed, 4) << "only 4 nodes fail at all";
    EXPECT_EQ(wide.value("ok", 0) + failed + wide.value("skipped", 0), k_nodes) << wide;
    EXPECT_EQ(marked().size(), std::size_t(wide.value("ok", 0) + failed));
}

TEST_F(RolloutTest, UnreachableNodesCountUnlessIgnored) {
    // Nodes 3 and 4 point at a port nobody listens on: connection refused.
    std::ifstream stream(s_fleet.get()->inventory);
    nlohmann::json document = nlohmann::json::parse(stream);
    document["nodes"][2]["port"] = 1;
    document["nodes"][3]["port"] = 1;
    const std::string inventory = m_dir.path() + "/gaps.json";
    std::ofstream(inventory) << document.dump(2);
    lab().sign_inventory(inventory);

    const std::vector<std::string> args = {"--yes",          "-o", "json", "--canary",       "0",
                                           "--max-failures", "1",  "-w",   "node[0001-0010]"};
    auto counted = exec(
        [&] {
            auto all = args;
            all.insert(all.end(), {"--", mark()});
            return all;
        }(),
        inventory);
    EXPECT_EQ(counted.exit_code, 6) << counted.err;
    EXPECT_NE(counted.err.find("--ignore-unreachable"), std::string::npos) << counted.err;

    auto ignored = exec(
        [&] {
            auto all = args;
            all.insert(all.end(), {"--ignore-unreachable", "--", mark()});
            return all;
        }(),
        inventory);
    EXPECT_EQ(ignored.exit_code, 1) << "unreachable nodes are still not ok: " << ignored.err;
    EXPECT_EQ(summary_of(ignored), nlohmann::json({{"ok", 8}, {"unreachable", 2}}));
}

TEST_F(RolloutTest, AnUnsignedConfigCannotLoosenASignedBudget) {
    const std::string cluster = "lab-" + lab().name();
    const nlohmann::json playbook = {
        {"apiVersion", "breakglass/v1"},
        {"kind", "Playbook"},
        {"metadata", {{"name", "mark"}, {"version", 1}, {"description", "test"}}},
        {"issued_at", rfc3339(-std::chrono::hours(1))},
        {"expires", rfc3339(std::chrono::hours(1))},
        {"scope", {{"clusters", {cluster}}}},
        {"steps", {{{"name", "mark"}, {"run", mark()}, {"mutates", true}}}},
        {"rollout", {{"max_failures", "0"}, {"canary", 1}}}};
    const std::string path = m_dir.path() + "/mark.json";
    std::ofstream(path) << playbook.dump(2);
    auto signed_ = run_process({"ssh-keygen", "-q", "-Y", "sign", "-n", "breakglass-playbook", "-f",
                                lab().description()["signer_key"].get<std::string>(), path});
    ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    const std::string config = m_dir.path() + "/config.json";
    std::ofstream(config) << R"({"max_failures": "50%"})";

    const std::vector<std::string> run = {"--config",    config,
                                          "run",         path,
                                          "-i",          s_fleet.get()->inventory,
                                          "--state-dir", m_dir.path() + "/state",
                                          "--yes",       "-o",
                                          "json"};
    auto refused = lab().breakglass(run);
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    EXPECT_NE(refused.err.find("max_failures"), std::string::npos) << refused.err;
    EXPECT_TRUE(marked().empty());

    // The environment may not either; the responder's flag may, and the header says so.
    auto from_env = run_process(
        lab().in_namespace([&] {
            std::vector<std::string> argv{breakglass::testing::breakglass_binary()};
            argv.insert(argv.end(), run.begin() + 2, run.end()); // without --config
            return argv;
        }()),
        std::chrono::seconds(60), "",
        {"BREAKGLASS_ALLOWED_SIGNERS=" + lab().description()["allowed_signers"].get<std::string>(),
         "BREAKGLASS_MAX_FAILURES=3"});
    EXPECT_EQ(from_env.exit_code, 4) << from_env.err;
    EXPECT_NE(from_env.err.find("BREAKGLASS_MAX_FAILURES"), std::string::npos) << from_env.err;

    auto flagged = lab().breakglass([&] {
        auto argv = run;
        argv.insert(argv.end(), {"--max-failures", "50%", "--canary", "0"});
        return argv;
    }());
    EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
    EXPECT_NE(flagged.err.find("--max-failures 50% loosens"), std::string::npos) << flagged.err;
    EXPECT_EQ(marked().size(), std::size_t(k_nodes));
}

TEST_F(RolloutTest, TheFirstSignalDrainsTheSecondCancelsAndTheContinueFileListsTheRest) {
    // Each node marks that it started, then waits for a file the test makes: two in flight at
    // any time, held there until the test lets them go.
    const std::string go = m_dir.path() + "/go";
    const std::string script =
        mark("started.") + "; while [ ! -e '" + go + "' ]; do sleep 0.05; done; " + mark("done.");
    const auto background = [&](const std::string& dir) {
        std::vector<std::string> argv{breakglass::testing::breakglass_binary()};
        for (const std::string& arg :
             exec_args({"--yes", "--canary", "0", "--waves", "100%", "-p", "2", "--", script})) {
            argv.push_back(arg);
        }
        argv = lab().in_namespace(argv);
        argv.insert(argv.begin(),
                    {"env", "BREAKGLASS_ALLOWED_SIGNERS=" +
                                lab().description()["allowed_signers"].get<std::string>()});
        return std::make_unique<Background>(argv, dir);
    };

    {
        auto run = background(m_dir.path());
        ASSERT_TRUE(run->started());
        ASSERT_TRUE(wait_for([&] { return marked("started.").size() == 2; }));
        run->signal(SIGINT);
        ASSERT_TRUE(wait_for([&] {
            return run->err().find("starting no new node") != std::string::npos;
        })) << run->err();
        std::ofstream(go).put('\n'); // the two in flight may finish now
        EXPECT_EQ(run->wait(), 130) << run->err();
        const std::set<int> started = marked("started.");
        EXPECT_EQ(started.size(), 2U) << "nothing started after the first signal";
        EXPECT_EQ(marked("done."), started) << "the nodes in flight finished";
        std::set<std::string> expected;
        for (int n = 1; n <= k_nodes; ++n) {
            if (started.count(n) == 0) {
                expected.insert(node_name(n));
            }
        }
        EXPECT_EQ(continue_file_names(run->err()), expected);
        EXPECT_NE(run->err().find("skipped (interrupted): 18"), std::string::npos) << run->err();
    }

    std::filesystem::remove(go);
    std::filesystem::remove_all(m_markers);
    std::filesystem::create_directories(m_markers);
    {
        auto run = background(m_dir.path());
        ASSERT_TRUE(run->started());
        ASSERT_TRUE(wait_for([&] { return marked("started.").size() == 2; }));
        run->signal(SIGINT);
        ASSERT_TRUE(
            wait_for([&] { return run->err().find("starting no new node") != std::string::npos; }));
        run->signal(SIGINT);
        EXPECT_EQ(run->wait(), 130) << run->err();
        std::ofstream(go).put('\n'); // lets the remote loops of the cancelled sessions end
        EXPECT_TRUE(marked("done.").empty()) << "cancelled at once, not finished";
        std::set<std::string> all;
        for (int n = 1; n <= k_nodes; ++n) {
            all.insert(node_name(n));
        }
        EXPECT_EQ(continue_file_names(run->err()), all) << "cancelled nodes are not done either";
        EXPECT_NE(run->err().find("error (interrupted): 2"), std::string::npos) << run->err();
    }
}

TEST_F(RolloutTest, BothPromptsWorkUnderATerminalAndNoAfterTheCanaryStops) {
    const std::string socket = "bgtest-" + std::to_string(::getpid());
    const std::string rc = m_dir.path() + "/rc";
    std::string command = "env BREAKGLASS_ALLOWED_SIGNERS=" +
                          lab().description()["allowed_signers"].get<std::string>();
    for (const std::string& word : lab().in_namespace({breakglass::testing::breakglass_binary()})) {
        command += " " + word;
    }
    for (const std::string& word : exec_args({"--", mark()})) {
        command += " " + shell_quote(word);
    }
    command += "; echo $? > " + rc;
    const auto tmux = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"tmux", "-L", socket});
        return run_process(args, std::chrono::seconds(30));
    };
    const auto screen = [&] { return tmux({"capture-pane", "-p", "-t", "prompt"}).out; };
    ASSERT_EQ(tmux({"new-session", "-d", "-s", "prompt", "-x", "200", "-y", "50", "sh", "-c",
                    command + "; sleep 600"})
                  .exit_code,
              0);
    struct Cleanup {
        std::function<void()> run;
        ~Cleanup() { run(); }
    } cleanup{[&] { tmux({"kill-server"}); }};

    ASSERT_TRUE(wait_for([&] { return screen().find("Start canary") != std::string::npos; }))
        << screen();
    EXPECT_TRUE(marked().empty()) << "nothing before the first answer";
    tmux({"send-keys", "-t", "prompt", "y", "Enter"});
    ASSERT_TRUE(wait_for([&] { return screen().find("Start wave 1") != std::string::npos; }))
        << screen();
    EXPECT_NE(screen().find("canary: 1 ok"), std::string::npos) << screen();
    EXPECT_EQ(marked().size(), 1U) << "the canary ran, nothing else yet";
    tmux({"send-keys", "-t", "prompt", "n", "Enter"});
    ASSERT_TRUE(wait_for([&] { return std::filesystem::exists(rc) && !read_text(rc).empty(); }))
        << screen();
    EXPECT_EQ(read_text(rc), "8\n") << screen();
    EXPECT_EQ(marked().size(), 1U) << "no wave after 'n'";
}
