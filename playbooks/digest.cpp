#include "playbooks/digest.hpp"

#include <openssl/evp.h>

namespace breakglass::playbooks {

std::optional<std::string> digest(std::string_view algorithm, std::string_view data) {
    const EVP_MD* md = nullptr;
    if (algorithm == "sha256") {
        md = EVP_sha256();
    } else if (algorithm == "sha512") {
        md = EVP_sha512();
    } else {
        return std::nullopt;
    }
    std::string out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &size,
                   md, nullptr) != 1) {
        return std::nullopt;
    }
    out.resize(size);
    return out;
}

std::string sha256_hex(std::string_view data) {
    static constexpr char k_digits[] = "0123456789abcdef";
    const std::string raw = digest("sha256", data).value_or("");
    std::string hex;
    hex.reserve(raw.size() * 2);
    for (char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        hex += k_digits[byte >> 4U];
        hex += k_digits[byte & 0x0FU];
    }
    return hex;
}

} // namespace breakglass::playbooks
