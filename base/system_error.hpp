#pragma once

#include <optional>
#include <string>

namespace breakglass::base {

/// The system's text for an errno value ("Connection refused"). Thread-safe, unlike strerror.
std::string errno_text(int error);

/// The highest descriptor number breakglass hands to libssh, which keeps only the low 16 bits
/// of a socket it is given (0.10): a higher one would silently alias another descriptor.
inline constexpr int k_max_descriptor = 65535;

/// Nothing when `fd` is at most k_max_descriptor, else the one-line reason a session fails
/// with. Descriptors grow with the number of sessions open at once, hence the advice.
std::optional<std::string> descriptor_problem(int fd);

} // namespace breakglass::base
