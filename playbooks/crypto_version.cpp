#include "playbooks/crypto_version.hpp"

#include <openssl/crypto.h>

namespace breakglass::playbooks {

std::string crypto_version() {
    return OpenSSL_version(OPENSSL_VERSION);
}

} // namespace breakglass::playbooks
