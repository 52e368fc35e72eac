#pragma once

#include "transport/node_result.hpp"

#include <string>
#include <vector>

struct ssh_session_struct;

namespace breakglass::transport {

/// The outcome of checking the key a server presented during key exchange.
struct HostKeyVerdict {
    NodeStatus status = NodeStatus::error; // ok, hostkey_changed, hostkey_unknown or error
    Reason reason = Reason::none;          // hostkey_changed, hostkey_added (accept-new), ...
    std::string message;                   // names the presented key's SHA256 fingerprint
    std::string presented;                 // "type base64" of the presented key
};

/// Pinned keys (the inventory's) are compared byte for byte with the presented key; without
/// pins, known_hosts decides through libssh (StrictHostKeyCheck left at its default: 0 would
/// turn CHANGED into OK in 0.10.6). Only `accept_new` adds an unknown key to known_hosts, never
/// a changed one. `record_only` (host key scans) accepts any key and only reports it.
HostKeyVerdict check_host_key(ssh_session_struct* session, const std::vector<std::string>& pinned,
                              const std::string& known_hosts, bool accept_new, bool record_only);

/// The host key algorithms to request so a server holding several keys presents a pinned one
/// (as OpenSSH's client does with known_hosts); empty when nothing is pinned.
std::string host_key_algorithms_for(const std::vector<std::string>& pinned);

} // namespace breakglass::transport
