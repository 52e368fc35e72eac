#include "base/bounded_read.hpp"

#include <filesystem>
#include <fstream>

namespace breakglass::base {

tl::expected<std::string, std::string> read_bounded(const std::string& path, std::uintmax_t limit) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) {
        return tl::unexpected(path + ": " + error.message());
    }
    if (size > limit) {
        return tl::unexpected(path + ": larger than " + std::to_string(limit) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
        return tl::unexpected(path + ": cannot be read");
    }
    return bytes;
}

} // namespace breakglass::base
