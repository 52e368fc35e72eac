#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::base {

/// mkdir -p with mode 0700 for every directory it makes (std::filesystem::create_directories
/// would use the umask's mode); components that exist are left as they are. The error names
/// the path and errno's text.
tl::expected<void, std::string> make_private_dirs(const std::filesystem::path& dir);

/// Why `dir` cannot be trusted with this user's state: not a directory, owned by another user,
/// or writable by its group or everyone (who could then replace or remove the files in it),
/// e.g. "/x: writable by everyone (mode 0777), so others could replace the state in it;
/// chmod go-w /x". nullopt when it can be trusted.
std::optional<std::string> private_dir_problem(const std::filesystem::path& dir);

} // namespace breakglass::base
