#include "base/system_error.hpp"

#include <system_error>

namespace breakglass::base {

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

std::optional<std::string> descriptor_problem(int fd) {
    if (fd > k_max_descriptor) {
        return "file descriptor above " + std::to_string(k_max_descriptor) + " (lower --parallel)";
    }
    return std::nullopt;
}

} // namespace breakglass::base
