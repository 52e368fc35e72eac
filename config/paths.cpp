#include "config/paths.hpp"

#include "base/private_dir.hpp"
#include "base/system_error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace breakglass::config {

std::filesystem::path home_dir(const EnvLookup& env) {
    if (auto home = env("HOME")) {
        return *home;
    }
    // getpwuid is fine here: called once, from the main thread, before any worker starts.
    if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr) {
        return entry->pw_dir;
    }
    return "/";
}

static std::filesystem::path xdg_dir(const EnvLookup& env, const char* variable,
                                     const char* fallback_below_home) {
    // XDG says a relative value is invalid and must be ignored.
    if (auto value = env(variable); value && std::filesystem::path(*value).is_absolute()) {
        return std::filesystem::path(*value) / "breakglass";
    }
    return home_dir(env) / fallback_below_home / "breakglass";
}

std::filesystem::path config_dir(const EnvLookup& env) {
    return xdg_dir(env, "XDG_CONFIG_HOME", ".config");
}

std::filesystem::path default_state_dir(const EnvLookup& env) {
    return xdg_dir(env, "XDG_STATE_HOME", ".local/state");
}

std::optional<std::filesystem::path> explicit_config_file(const EnvLookup& env) {
    if (auto value = env("BREAKGLASS_CONFIG")) {
        return std::filesystem::path(*value);
    }
    return std::nullopt;
}

std::filesystem::path default_config_file(const EnvLookup& env) {
    return config_dir(env) / "config.json";
}

std::filesystem::path system_playbooks_dir() {
    return "/etc/breakglass/playbooks";
}

std::filesystem::path shipped_playbooks_dir() {
#ifdef BREAKGLASS_SHARE_DIR
    return std::filesystem::path(BREAKGLASS_SHARE_DIR) / "playbooks";
#else
    return "/usr/local/share/breakglass/playbooks";
#endif
}

} // namespace breakglass::config

namespace breakglass::config {

tl::expected<void, std::string> ensure_writable_dir(const std::filesystem::path& dir) {
    if (auto made = base::make_private_dirs(dir); !made) {
        return made;
    }
    if (auto problem = base::private_dir_problem(dir)) {
        return tl::unexpected(*problem);
    }
    // access() alone would approve a read-only mount for root; create a file to be sure.
    const std::filesystem::path probe = dir / (".write-test." + std::to_string(getpid()));
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return tl::unexpected(dir.string() +
                              ": directory is not writable: " + base::errno_text(errno));
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return {};
}

} // namespace breakglass::config
