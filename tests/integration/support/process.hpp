#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace breakglass::testing {

struct ProcessResult {
    int exit_code = -1; // 128 + signal when killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
    std::chrono::milliseconds elapsed{0};
    long max_rss_kib = 0; // the child's peak resident memory (wait4's ru_maxrss)
};

/// Runs argv[0] (searched in PATH) with stdin fed from `input`, capturing both streams.
/// A child still running after `timeout` is killed and reported as timed out, so no test hangs.
ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(120),
                          const std::string& input = "",
                          const std::vector<std::string>& extra_env = {});

/// Runs the breakglass binary under test with ARGS (and EXTRA_ENV, NAME=VALUE entries) outside any
/// lab namespace, as run_process does: for the commands that reach no node.
ProcessResult run_breakglass(const std::vector<std::string>& args,
                             const std::vector<std::string>& extra_env = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// In a forked child: replaces the process with ARGV[0] (searched in PATH), or exits with 127
/// when it cannot, as a shell does for a command it cannot run. Never returns.
[[noreturn]] void exec_or_exit(const std::vector<std::string>& argv);

/// The whole content of a /proc or /sys file, or what could be read of it: "" when the file
/// is gone or its process exited mid-read (ENOENT, ESRCH), never an exception. A walk over
/// every process of the machine meets processes that exit between the listing and the read.
std::string read_vanishing_file(const std::string& path);

/// Path of the breakglass binary under test.
std::string breakglass_binary();

/// Path of the source tree (for lab/fleet and fixtures).
std::string source_dir();

/// A fresh directory under /tmp, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace breakglass::testing
