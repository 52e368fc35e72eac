#pragma once

// Signatures made once with OpenSSH 9.2 (see tests/unit/data/signatures/README).

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace breakglass::playbooks::testing {

inline std::string fixture(const std::string& name) {
    const std::string path =
        std::string(BREAKGLASS_SOURCE_DIR) + "/tests/unit/data/signatures/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("missing fixture " + path);
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

/// "keytype base64" from a .pub fixture (its comment dropped).
inline std::string public_key_line(const std::string& name) {
    std::string line = fixture(name + ".pub");
    const std::size_t second_space = line.find(' ', line.find(' ') + 1);
    return line.substr(0, second_space);
}

} // namespace breakglass::playbooks::testing
