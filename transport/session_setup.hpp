#pragma once

#include "transport/node_session.hpp"
#include "transport/ssh_handles.hpp"
#include "transport/tcp_connect.hpp"

namespace breakglass::transport {

/// A nonblocking libssh client session for `target` over the connected socket `socket` (libssh
/// owns it from here and closes it in ssh_free), set up as every breakglass session is: never
/// reading ~/.ssh/config, the target's user, the run's known_hosts, only the pinned host key
/// types, StrictHostKeyCheck left at libssh's default. nullptr when libssh is out of memory.
SessionHandle open_client_session(const NodeTarget& target, const SessionSettings& settings,
                                  Fd socket);

} // namespace breakglass::transport
