#pragma once

#include <memory>
#include <string>

// libssh's handle types, forward-declared so that no header outside transport/ pulls in libssh.
struct ssh_session_struct;
struct ssh_channel_struct;
struct ssh_key_struct;

namespace breakglass::transport {

struct SessionDeleter {
    void operator()(ssh_session_struct* session) const noexcept;
};
struct ChannelDeleter {
    void operator()(ssh_channel_struct* channel) const noexcept;
};
struct KeyDeleter {
    void operator()(ssh_key_struct* key) const noexcept;
};

/// Move-only owners of libssh handles: the only places that free them.
using SessionHandle = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using ChannelHandle = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using KeyHandle = std::unique_ptr<ssh_key_struct, KeyDeleter>;

/// A new session, or nullptr when libssh is out of memory.
SessionHandle make_session();

/// "ssh-ed25519 AAAA..." for a public key, or empty when it cannot be exported.
std::string openssh_public_key(ssh_key_struct* key);

/// The session's last error message (never contains secrets: libssh reports protocol errors).
std::string session_error(ssh_session_struct* session);

} // namespace breakglass::transport
