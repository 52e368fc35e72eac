#include "transport/identity.hpp"

#include <filesystem>

#include <libssh/libssh.h>

namespace breakglass::transport {

namespace {

tl::expected<Identity, std::string> load_identity(const std::string& path) {
    ssh_key key = nullptr;
    int rc = ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key);
    if (rc != SSH_OK) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) {
            return tl::unexpected(path + ": identity file does not exist");
        }
        return tl::unexpected(path +
                              ": cannot load private key (encrypted keys must be in ssh-agent)");
    }
    Identity identity{path, false, KeyHandle(key)};
    const std::string cert_path = path + "-cert.pub";
    std::error_code error;
    if (std::filesystem::exists(cert_path, error)) {
        ssh_key cert = nullptr;
        if (ssh_pki_import_cert_file(cert_path.c_str(), &cert) != SSH_OK) {
            return tl::unexpected(cert_path + ": cannot load certificate");
        }
        KeyHandle cert_owner(cert);
        if (ssh_pki_copy_cert_to_privkey(cert, identity.key.get()) != SSH_OK) {
            return tl::unexpected(cert_path + ": certificate does not match " + path);
        }
        identity.has_certificate = true;
    }
    return identity;
}

} // namespace

tl::expected<Credentials, std::string> load_credentials(const std::vector<std::string>& paths,
                                                        const std::string& home,
                                                        bool agent_available) {
    Credentials credentials;
    credentials.use_agent = agent_available;
    if (!paths.empty()) {
        for (const std::string& path : paths) {
            auto identity = load_identity(path);
            if (!identity) {
                return tl::unexpected(identity.error());
            }
            credentials.identities.push_back(std::move(*identity));
        }
        return credentials;
    }
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        const std::string path = home + "/.ssh/" + name;
        std::error_code error;
        if (std::filesystem::exists(path, error)) {
            auto identity = load_identity(path);
            if (identity) {
                credentials.identities.push_back(std::move(*identity));
            }
        }
    }
    if (credentials.identities.empty() && !agent_available) {
        return tl::unexpected(
            std::string("no identity: pass --identity FILE or start ssh-agent (SSH_AUTH_SOCK)"));
    }
    return credentials;
}

} // namespace breakglass::transport
