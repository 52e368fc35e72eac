#include "transport/host_key_check.hpp"

#include "transport/ssh_handles.hpp"

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

// "type base64" without a trailing comment, for comparing keys byte for byte.
std::string key_without_comment(const std::string& key) {
    std::size_t first = key.find(' ');
    if (first == std::string::npos) {
        return key;
    }
    std::size_t second = key.find(' ', first + 1);
    return key.substr(0, second);
}

std::string fingerprint(ssh_key key) {
    unsigned char* hash = nullptr;
    std::size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK) {
        return "(no fingerprint)";
    }
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    std::string result = text != nullptr ? text : "(no fingerprint)";
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return result;
}

} // namespace

// The host key algorithms to ask for: the pinned key's type, so a server holding several host
// keys presents the one we know (OpenSSH's client does the same with known_hosts).
std::string host_key_algorithms_for(const std::vector<std::string>& pinned) {
    std::string algorithms;
    for (const std::string& key : pinned) {
        std::string type = key.substr(0, key.find(' '));
        if (type == "ssh-rsa") {
            type = "rsa-sha2-512,rsa-sha2-256";
        }
        if (algorithms.find(type) == std::string::npos) {
            algorithms += algorithms.empty() ? type : "," + type;
        }
    }
    return algorithms;
}

HostKeyVerdict check_host_key(ssh_session_struct* session, const std::vector<std::string>& pinned,
                              const std::string& known_hosts, bool accept_new, bool record_only) {
    HostKeyVerdict verdict;
    ssh_key raw_key = nullptr;
    if (ssh_get_server_publickey(session, &raw_key) != SSH_OK) {
        verdict.reason = Reason::no_host_key;
        verdict.message = "the server presented no host key";
        return verdict;
    }
    KeyHandle key(raw_key);
    verdict.presented = openssh_public_key(key.get());
    auto decide = [&verdict](NodeStatus status, Reason reason, std::string message) {
        verdict.status = status;
        verdict.reason = reason;
        verdict.message = std::move(message);
        return verdict;
    };
    if (record_only) {
        return decide(NodeStatus::ok, Reason::none, "");
    }
    const std::string presented = key_without_comment(verdict.presented);
    if (!pinned.empty()) {
        for (const std::string& pin : pinned) {
            if (key_without_comment(pin) == presented) {
                return decide(NodeStatus::ok, Reason::none, "");
            }
        }
        return decide(NodeStatus::hostkey_changed, Reason::hostkey_changed,
                      "host key " + fingerprint(key.get()) +
                          " is not the key pinned in the inventory");
    }
    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        return decide(NodeStatus::ok, Reason::none, "");
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        return decide(NodeStatus::hostkey_changed, Reason::hostkey_changed,
                      "host key " + fingerprint(key.get()) + " differs from " + known_hosts);
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (accept_new) {
            if (ssh_session_update_known_hosts(session) != SSH_OK) {
                return decide(NodeStatus::error, Reason::known_hosts_write,
                              "cannot add host key to " + known_hosts);
            }
            return decide(NodeStatus::ok, Reason::hostkey_added, "");
        }
        return decide(NodeStatus::hostkey_unknown, Reason::hostkey_unknown,
                      "host key " + fingerprint(key.get()) + " is not pinned and not in " +
                          known_hosts);
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return decide(NodeStatus::error, Reason::known_hosts_error,
                  "cannot check known_hosts: " + session_error(session));
}

} // namespace breakglass::transport
