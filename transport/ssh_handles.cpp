#include "transport/ssh_handles.hpp"

#include <libssh/libssh.h>

namespace breakglass::transport {

void SessionDeleter::operator()(ssh_session_struct* session) const noexcept {
    // ssh_free closes the socket too, including one handed over with SSH_OPTIONS_FD.
    ssh_free(session);
}

void ChannelDeleter::operator()(ssh_channel_struct* channel) const noexcept {
    ssh_channel_free(channel);
}

void KeyDeleter::operator()(ssh_key_struct* key) const noexcept {
    ssh_key_free(key);
}

SessionHandle make_session() {
    return SessionHandle(ssh_new());
}

std::string openssh_public_key(ssh_key_struct* key) {
    char* base64 = nullptr;
    if (key == nullptr || ssh_pki_export_pubkey_base64(key, &base64) != SSH_OK) {
        return {};
    }
    std::string text = std::string(ssh_key_type_to_char(ssh_key_type(key))) + " " + base64;
    ssh_string_free_char(base64);
    return text;
}

std::string session_error(ssh_session_struct* session) {
    const char* message = ssh_get_error(session);
    return message != nullptr && *message != '\0' ? message : "unknown libssh error";
}

} // namespace breakglass::transport
