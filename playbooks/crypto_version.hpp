#pragma once

#include <string>

namespace breakglass::playbooks {

/// The OpenSSL version that verifies playbook signatures, as the library reports it at run time.
std::string crypto_version();

} // namespace breakglass::playbooks
