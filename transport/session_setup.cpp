#include "transport/session_setup.hpp"

#include "transport/host_key_check.hpp"

#include <array>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

// ~/.ssh as libssh would find it (the passwd entry, else $HOME), looked up once per run: left
// unset, libssh reads /etc/passwd for every session. Empty when neither is known.
const std::string& user_ssh_dir() {
    static const std::string dir = [] {
        passwd entry{};
        passwd* found = nullptr;
        std::array<char, 16384> buffer{};
        if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
            found != nullptr && found->pw_dir != nullptr) {
            return std::string(found->pw_dir) + "/.ssh";
        }
        const char* home = std::getenv("HOME");
        return home != nullptr ? std::string(home) + "/.ssh" : std::string();
    }();
    return dir;
}

} // namespace

SessionHandle open_client_session(const NodeTarget& target, const SessionSettings& settings,
                                  Fd socket) {
    SessionHandle session = make_session();
    if (!session) {
        return session;
    }
    ssh_session s = session.get();
    unsigned int port = target.port;
    bool process_config = false; // never read ~/.ssh/config: the inventory decides
    int verbosity = SSH_LOG_NOLOG;
    ssh_options_set(s, SSH_OPTIONS_HOST, target.address.c_str());
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    if (const std::string& ssh_dir = user_ssh_dir(); !ssh_dir.empty()) {
        ssh_options_set(s, SSH_OPTIONS_SSH_DIR, ssh_dir.c_str());
    }
    if (!target.user.empty()) {
        ssh_options_set(s, SSH_OPTIONS_USER, target.user.c_str());
    }
    if (!target.pinned_host_keys.empty()) {
        // Pinned keys alone decide trust (check_host_key); libssh would still parse the user's
        // and the global known_hosts for every session to order host key algorithms.
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    } else if (!settings.known_hosts.empty()) {
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, settings.known_hosts.c_str());
    }
    if (std::string algorithms = host_key_algorithms_for(target.pinned_host_keys);
        !algorithms.empty()) {
        ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, algorithms.c_str());
    }
    // StrictHostKeyCheck stays at libssh's default: setting it to 0 turns CHANGED into OK.
    socket_t fd = socket.release(); // closed by ssh_free from here
    ssh_options_set(s, SSH_OPTIONS_FD, &fd);
    ssh_set_blocking(s, 0);
    return session;
}

} // namespace breakglass::transport
