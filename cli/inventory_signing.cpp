#include "cli/inventory_signing.hpp"

#include "base/bounded_read.hpp"
#include "base/system_error.hpp"
#include "cli/failure.hpp"
#include "inventory/inventory_loader.hpp"
#include "playbooks/digest.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ; // NOLINT(readability-redundant-declaration): posix_spawnp passes it on

namespace breakglass::cli {

namespace {

// Far above any real fleet (a 50,000-node cache is tens of MB); a bound, not a budget.
constexpr std::uintmax_t k_max_inventory_bytes = 1ULL << 30U;
constexpr std::uintmax_t k_max_text_bytes = 1U << 20U;

// Runs argv (no shell) with stdin from /dev/null; returns its exit status and stderr text.
std::pair<int, std::string> run_quietly(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return {-1, std::string("pipe: ") + base::errno_text(errno)};
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    std::vector<char*> raw;
    for (const std::string& word : argv) {
        raw.push_back(const_cast<char*>(word.c_str())); // NOLINT: posix_spawn's signature
    }
    raw.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)) {
        if (got > 0 && output.size() < 4096) {
            output.append(buffer, static_cast<std::size_t>(got));
        }
    }
    ::close(pipe_fds[0]);
    if (spawned != 0) {
        return {-1, argv[0] + ": " + base::errno_text(spawned)};
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

std::string first_line(const std::string& text) {
    const std::size_t end = text.find('\n');
    return text.substr(0, end);
}

} // namespace

CheckedInventory load_checked_inventory(const config::Settings& settings, const std::string& path) {
    const std::string signature_path = policy::inventory_signature_path(path);
    // Read once: the bytes verified, hashed (for the audit log) and parsed are the same bytes.
    auto text = base::read_bounded(path, k_max_inventory_bytes);
    if (!text) {
        throw Failure(ExitCode::inventory, "inventory " + text.error());
    }
    std::error_code error;
    if (!std::filesystem::exists(signature_path, error)) {
        auto parsed = inventory::parse_inventory(*text);
        if (!parsed) {
            throw Failure(ExitCode::inventory, "inventory " + path + ": " + parsed.error());
        }
        return {std::move(*parsed), {}, playbooks::sha256_hex(*text)};
    }
    std::optional<std::string> signature;
    if (auto read = base::read_bounded(signature_path, k_max_text_bytes)) {
        signature = std::move(*read);
    } else {
        signature = std::string(); // unreadable: verifies as malformed, never as missing
    }
    const std::string& signers_path = settings.text("allowed_signers");
    std::optional<std::string> signers;
    std::string signers_problem;
    if (auto read = base::read_bounded(signers_path, k_max_text_bytes)) {
        signers = std::move(*read);
    } else {
        signers_problem = "allowed_signers " + read.error();
    }
    CheckedInventory checked;
    checked.signature = policy::check_inventory_signature(
        *text, signature, signers, signers_problem, std::chrono::system_clock::now());
    auto parsed = inventory::parse_inventory(*text);
    if (!parsed) {
        throw Failure(ExitCode::inventory, "inventory " + path + ": " + parsed.error());
    }
    checked.inventory = std::move(*parsed);
    checked.sha256 = playbooks::sha256_hex(*text);
    return checked;
}

void sign_inventory(const std::string& path, const std::string& key) {
    sign_file(path, key, policy::k_inventory_namespace, "inventory");
}

void sign_file(const std::string& path, const std::string& key, std::string_view name_space,
               const std::string& what) {
    std::error_code ignored;
    std::filesystem::remove(path + ".sig", ignored);
    std::vector<std::string> argv{"ssh-keygen", "-q", "-Y", "sign", "-n", std::string(name_space)};
    if (key.size() > 4 && key.ends_with(".pub")) {
        argv.emplace_back("-U"); // the private half is in ssh-agent
    }
    argv.insert(argv.end(), {"-f", key, path});
    auto [status, output] = run_quietly(argv);
    if (status != 0) {
        throw Failure(ExitCode::config_or_state,
                      "cannot sign " + what + " " + path + " with " + key + ": " +
                          (output.empty() ? "ssh-keygen exited " + std::to_string(status)
                                          : first_line(output)));
    }
}

bool drop_stale_signature(const std::string& path) {
    std::error_code error;
    return std::filesystem::remove(policy::inventory_signature_path(path), error);
}

} // namespace breakglass::cli
