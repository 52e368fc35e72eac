// Hostile bytes from nodes and files: a node's output cannot drive the responder's terminal
// (to a pipe and under a real pseudo-terminal), JSON carries it exactly, and hostile or
// ambiguous files are refused before anything runs.
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/text_search.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::testing::breakglass_binary;
using breakglass::testing::count_of;
using breakglass::testing::LabFleet;
using breakglass::testing::nodes_of;
using breakglass::testing::run_breakglass;
using breakglass::testing::TempDir;

namespace {

// What the compromised node prints, to stdout and stderr: ESC alone, a CSI that erases the
// line, an OSC 52 that would set the clipboard, a bare CR that would overwrite the line, a
// valid multi-byte character (U+2713), an invalid byte, and a CRLF line end.
const char* const k_hostile_printf =
    R"(printf 'a\033b\033[2Kc\033]52;c;ZXZpbA==\007d\re\342\234\223f\377g\r\n')";
const std::string k_raw_line = "a\x1b"
                               "b\x1b[2Kc\x1b]52;c;ZXZpbA==\x07"
                               "d\re\xe2\x9c\x93"
                               "f\xff"
                               "g\r\n";
const std::string k_shown_line = "a\\x1bb\\x1b[2Kc\\x1b]52;c;ZXZpbA==\\x07d\\re\xe2\x9c\x93"
                                 "f\\xffg\n";

// Runs argv with stdout and stderr on the slave side of a new pseudo-terminal; returns what
// the terminal received (the line discipline turns "\n" into "\r\n").
std::string run_in_pty(const std::vector<std::string>& argv, int& exit_code) {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) {
        ADD_FAILURE() << "forkpty: " << std::strerror(errno);
        return {};
    }
    if (pid == 0) {
        breakglass::testing::exec_or_exit(argv);
    }
    std::string seen;
    char buffer[4096];
    for (;;) {
        pollfd ready{master, POLLIN, 0};
        if (::poll(&ready, 1, 60000) <= 0) {
            ::kill(pid, SIGKILL);
            ADD_FAILURE() << "no output from the pseudo-terminal for 60 s";
            break;
        }
        const ssize_t count = ::read(master, buffer, sizeof buffer);
        if (count <= 0) {
            break; // EIO once the child and every holder of the slave are gone
        }
        seen.append(buffer, static_cast<std::size_t>(count));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return seen;
}

// One lab node for the suite: bringing a fleet up is the slow part.
class HostileNodeOutputTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!LabFleet::missing_prerequisite().empty()) {
            return;
        }
        s_dir = std::make_unique<TempDir>();
        s_fleet = std::make_unique<LabFleet>("hostile-output", 1, 1);
        s_inventory = s_dir->path() + "/inventory.json";
        s_fleet->import_inventory(s_inventory);
    }
    static void TearDownTestSuite() {
        s_fleet.reset();
        s_dir.reset();
    }
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
    }

    static std::vector<std::string> exec_args(const std::vector<std::string>& extra) {
        // Read-only: the pseudo-terminal run below is the bare binary, without the lab's
        // allowed_signers, and a mutating run would refuse the inventory before any node.
        std::vector<std::string> args{"exec", "-i", s_inventory, "--read-only"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--", std::string(k_hostile_printf) + "; " + k_hostile_printf +
                                           " >&2; exit 3"});
        return args;
    }

    static inline std::unique_ptr<TempDir> s_dir;
    static inline std::unique_ptr<LabFleet> s_fleet;
    static inline std::string s_inventory;
};

} // namespace

TEST_F(HostileNodeOutputTest, HumanOutputToAPipeShowsControlsEscapedAndUtf8Intact) {
    auto streamed = s_fleet->breakglass(exec_args({}));
    EXPECT_EQ(streamed.exit_code, 1) << streamed.err;
    EXPECT_EQ(streamed.out, "node0001: " + k_shown_line);
    EXPECT_NE(streamed.err.find("node0001: " + k_shown_line), std::string::npos) << streamed.err;
    for (const std::string* text : {&streamed.out, &streamed.err}) {
        EXPECT_EQ(text->find('\x1b'), std::string::npos);
        EXPECT_EQ(text->find('\r'), std::string::npos);
        EXPECT_EQ(text->find('\x07'), std::string::npos);
    }

    // Gathered (-b): the same text under the folded node set.
    auto gathered = s_fleet->breakglass(exec_args({"-b"}));
    EXPECT_EQ(gathered.exit_code, 1) << gathered.err;
    EXPECT_EQ(count_of(gathered.out, k_shown_line), 2U) << gathered.out;
    EXPECT_EQ(gathered.out.find('\x1b'), std::string::npos);
}

TEST_F(HostileNodeOutputTest, HumanOutputUnderAPseudoTerminalShowsControlsEscaped) {
    int exit_code = -1;
    const std::string seen = run_in_pty(s_fleet->in_namespace([] {
        std::vector<std::string> argv{breakglass_binary()};
        for (std::string& arg : exec_args({})) {
            argv.push_back(std::move(arg));
        }
        return argv;
    }()),
                                        exit_code);
    EXPECT_EQ(exit_code, 1) << seen;
    // The terminal got the escaped line twice (stdout and stderr), each ending "\r\n" from the
    // line discipline, and not one control byte from the node.
    std::string on_terminal = "node0001: " + k_shown_line;
    on_terminal.insert(on_terminal.size() - 1, "\r");
    EXPECT_EQ(count_of(seen, on_terminal), 2U) << seen;
    EXPECT_EQ(seen.find('\x1b'), std::string::npos) << seen;
    EXPECT_EQ(seen.find('\x07'), std::string::npos) << seen;
    EXPECT_EQ(count_of(seen, "\r"), count_of(seen, "\r\n")) << "a bare CR reached the terminal";
}

TEST_F(HostileNodeOutputTest, JsonCarriesTheBytesExactly) {
    auto result = s_fleet->breakglass(exec_args({"-o", "json"}));
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const nlohmann::json nodes = nodes_of(result.out);
    ASSERT_EQ(nodes.size(), 1U);
    // Controls and UTF-8 exactly; the one invalid byte cannot be a JSON string's content and is
    // U+FFFD, as documented for every byte of output that is not UTF-8.
    std::string expected = k_raw_line;
    expected.replace(expected.find('\xff'), 1, "\xef\xbf\xbd");
    EXPECT_EQ(nodes[0]["stdout"], expected);
    EXPECT_EQ(nodes[0]["stderr"], expected);
    EXPECT_NE(result.out.find("\\u001b]52;c;"), std::string::npos);
}

namespace {

const char* const k_host_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0";

} // namespace

TEST(HostileFiles, InventoryWithEscInANodeNameIsRefused) {
    TempDir dir;
    const std::string inventory = dir.path() + "/inventory.json";
    std::ofstream(inventory) << R"({"schema_version": 1, "cluster": "prod",
        "captured_at": "2026-11-24T08:00:00Z", "nodes": [
        {"name": "node0001", "address": "127.0.0.1", "host_keys": [")"
                             << k_host_key << R"("]},
        {"name": "node0002\u001b[2K\rnode0002: contained", "address": "127.0.0.2"}]})";
    auto result =
        run_breakglass({"exec", "-i", inventory, "--read-only", "--allow-stale", "--", "true"});
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_NE(result.err.find(
                  "nodes[1]: name 'node0002\\x1b[2K\\rnode0002: contained' contains a control"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find('\x1b'), std::string::npos);
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST(HostileFiles, PlaybookAndConfigWithARepeatedKeyAreRefused) {
    TempDir dir;
    const std::string playbook = dir.path() + "/p.json";
    std::ofstream(playbook) << R"({"apiVersion": "breakglass/v1", "kind": "Playbook",
        "metadata": {"name": "p", "version": 1}, "issued_at": "2026-01-01T00:00:00Z",
        "expires": "2036-01-01T00:00:00Z", "scope": {"clusters": ["c"]},
        "steps": [{"name": "a", "run": "true"}, {"name": "b", "run": "true", "run": "reboot"}]})";
    const std::vector<std::string> env{"XDG_CONFIG_HOME=" + dir.path(),
                                       "XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()};
    auto shown = run_breakglass({"playbook", "show", playbook}, env);
    EXPECT_EQ(shown.exit_code, 5) << shown.err;
    EXPECT_NE(shown.err.find("steps[1].run: key appears twice"), std::string::npos) << shown.err;
    EXPECT_TRUE(shown.out.empty()) << shown.out;

    const std::string config = dir.path() + "/config.json";
    std::ofstream(config) << "{\"timeout\": \"5m\",\n \"timeout\": \"0s\"}\n";
    auto configured = run_breakglass({"--config", config, "config", "show"}, env);
    EXPECT_EQ(configured.exit_code, 4) << configured.err;
    EXPECT_NE(configured.err.find(config + ":2:2: key 'timeout' appears twice"), std::string::npos)
        << configured.err;
}

TEST(HostileFiles, GroupWritableStateDirIsRefused) {
    TempDir dir;
    const std::string state = dir.path() + "/state";
    ASSERT_EQ(::mkdir(state.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(state.c_str(), 0775), 0);
    auto result = run_breakglass({"--state-dir", state, "config", "check"},
                                 {"XDG_CONFIG_HOME=" + dir.path(), "HOME=" + dir.path()});
    EXPECT_EQ(result.exit_code, 4) << result.err;
    EXPECT_NE(result.err.find("state directory " + state +
                              ": writable by its group (mode 0775), so others could replace"),
              std::string::npos)
        << result.err;
    struct stat info {};
    ASSERT_EQ(::stat(state.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0775U) << "a refused directory is left as it was";
}
