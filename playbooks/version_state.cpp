#include "playbooks/version_state.hpp"

#include "base/json_duplicate_keys.hpp"
#include "base/system_error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace breakglass::playbooks {

namespace {

std::string system_error(const std::filesystem::path& path) {
    return path.string() + ": " + base::errno_text(errno);
}

tl::expected<void, std::string> write_atomically(const std::filesystem::path& file,
                                                 const std::string& bytes) {
    // A fresh name, created exclusively (mkostemp: O_CREAT | O_EXCL, 0600): a symlink or file
    // planted under a guessable name is never followed or truncated.
    std::string name = file.string() + ".tmp.XXXXXX";
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    const std::filesystem::path temporary = name;
    if (fd < 0) {
        return tl::unexpected(system_error(temporary));
    }
    std::size_t written = 0;
    bool ok = true;
    while (ok && written < bytes.size()) {
        const ssize_t count = ::write(fd, bytes.data() + written, bytes.size() - written);
        ok = count > 0;
        written += ok ? static_cast<std::size_t>(count) : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    const std::string failure = ok ? "" : system_error(temporary);
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(temporary.c_str(), file.c_str()) != 0) {
        std::string message = failure.empty() ? system_error(file) : failure;
        ::unlink(temporary.c_str());
        return tl::unexpected(message);
    }
    return {};
}

// Owns the lock file's descriptor: closing it releases the flock on every path out.
class LockFd {
public:
    explicit LockFd(int fd) : m_fd(fd) {}
    ~LockFd() { ::close(m_fd); }
    LockFd(const LockFd&) = delete;
    LockFd& operator=(const LockFd&) = delete;

private:
    int m_fd;
};

} // namespace

tl::expected<VersionState, std::string> load_version_state(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(file)) {
            return VersionState{};
        }
        return tl::unexpected(file.string() + ": cannot be read");
    }
    std::stringstream bytes;
    bytes << in.rdbuf();
    VersionState state;
    if (auto repeated = base::find_duplicate_json_key(bytes.str())) {
        return tl::unexpected(file.string() + ": malformed version state: " + *repeated +
                              " appears twice");
    }
    try {
        const nlohmann::json document = nlohmann::json::parse(bytes.str());
        if (document.at("schema_version") != 1) {
            return tl::unexpected(file.string() + ": unknown schema_version");
        }
        for (const auto& [name, entry] : document.at("playbooks").items()) {
            state[name] = entry.at("version").get<std::int64_t>();
        }
    } catch (const nlohmann::json::exception& error) {
        return tl::unexpected(file.string() + ": malformed version state: " + error.what());
    }
    return state;
}

tl::expected<void, std::string> check_version(const VersionState& state, const Playbook& playbook) {
    auto found = state.find(playbook.name);
    if (found != state.end() && playbook.version < found->second) {
        return tl::unexpected("rollback: version " + std::to_string(playbook.version) + " of '" +
                              playbook.name + "' is lower than version " +
                              std::to_string(found->second) + " already run on this machine");
    }
    return {};
}

tl::expected<void, RecordError> record_version(const std::filesystem::path& file,
                                               const Playbook& playbook) {
    const std::string lock_path = file.string() + ".lock";
    // The lock file outlives runs, so it cannot be O_EXCL; O_NOFOLLOW refuses a symlink in its
    // place (ELOOP) instead of creating or locking whatever it points at.
    const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lock < 0) {
        return tl::unexpected(RecordError{false, system_error(lock_path)});
    }
    const LockFd held(lock);
    struct stat info {};
    if (::fstat(lock, &info) != 0 || !S_ISREG(info.st_mode)) {
        return tl::unexpected(RecordError{false, lock_path + ": not a regular file"});
    }
    if (::flock(lock, LOCK_EX) != 0) {
        return tl::unexpected(RecordError{false, system_error(lock_path)});
    }
    auto state = load_version_state(file);
    if (!state) {
        return tl::unexpected(RecordError{false, state.error()});
    }
    if (auto allowed = check_version(*state, playbook); !allowed) {
        return tl::unexpected(RecordError{true, allowed.error()});
    }
    std::int64_t& highest = (*state)[playbook.name];
    if (highest >= playbook.version) {
        return {};
    }
    highest = playbook.version;
    nlohmann::json playbooks = nlohmann::json::object();
    for (const auto& [name, version] : *state) {
        playbooks[name] = {{"version", version}};
    }
    const nlohmann::json document = {{"schema_version", 1}, {"playbooks", playbooks}};
    if (auto written = write_atomically(file, document.dump(2) + "\n"); !written) {
        return tl::unexpected(RecordError{false, written.error()});
    }
    return {};
}

} // namespace breakglass::playbooks
