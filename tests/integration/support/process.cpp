#include "tests/integration/support/process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace breakglass::testing {

namespace {

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

} // namespace

std::string read_vanishing_file(const std::string& path) {
    std::string text;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return text;
    }
    std::array<char, 4096> buffer{};
    for (;;) {
        const ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got > 0) {
            text.append(buffer.data(), static_cast<std::size_t>(got));
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            break; // end of file, or the process is gone (ESRCH): keep what was read
        }
    }
    ::close(fd);
    return text;
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& input, const std::vector<std::string>& extra_env) {
    std::array<int, 2> in_pipe{-1, -1};
    std::array<int, 2> out_pipe{-1, -1};
    std::array<int, 2> err_pipe{-1, -1};
    if (::pipe2(in_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(out_pipe.data(), O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::setpgid(0, 0); // so a timeout can kill the whole group
        for (const std::string& assignment : extra_env) {
            ::putenv(const_cast<char*>(assignment.c_str())); // NOLINT: child only, then exec
        }
        exec_or_exit(argv);
    }
    close_fd(in_pipe[0]);
    close_fd(out_pipe[1]);
    close_fd(err_pipe[1]);

    ProcessResult result;
    std::size_t written = 0;
    if (input.empty()) {
        close_fd(in_pipe[1]);
    }
    const auto deadline = started + timeout;
    while (out_pipe[0] >= 0 || err_pipe[0] >= 0) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            result.timed_out = true;
            ::kill(-pid, SIGKILL);
            break;
        }
        std::array<pollfd, 3> fds{
            {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}}};
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        int ready = ::poll(fds.data(), fds.size(), int(std::min<long>(wait.count(), 1000)));
        if (ready < 0 && errno != EINTR) {
            break;
        }
        std::array<char, 65536> buffer{};
        for (int index : {0, 1}) {
            if (fds[std::size_t(index)].fd >= 0 &&
                (fds[std::size_t(index)].revents & (POLLIN | POLLHUP)) != 0) {
                ssize_t got = ::read(fds[std::size_t(index)].fd, buffer.data(), buffer.size());
                if (got <= 0) {
                    close_fd(index == 0 ? out_pipe[0] : err_pipe[0]);
                } else {
                    (index == 0 ? result.out : result.err).append(buffer.data(), std::size_t(got));
                }
            }
        }
        if (in_pipe[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR)) != 0) {
            ssize_t sent = ::write(in_pipe[1], input.data() + written, input.size() - written);
            if (sent <= 0 || (written += std::size_t(sent)) == input.size()) {
                close_fd(in_pipe[1]);
            }
        }
    }
    close_fd(in_pipe[1]);
    close_fd(out_pipe[0]);
    close_fd(err_pipe[0]);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    result.max_rss_kib = usage.ru_maxrss;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
}

void exec_or_exit(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: execvp's signature
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
}

ProcessResult run_breakglass(const std::vector<std::string>& args,
                             const std::vector<std::string>& extra_env,
                             std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{breakglass_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, timeout, "", extra_env);
}

std::string breakglass_binary() {
    return BREAKGLASS_BINARY;
}

std::string source_dir() {
    return BREAKGLASS_SOURCE_DIR;
}

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "breakglass-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace breakglass::testing
