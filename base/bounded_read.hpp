#pragma once

#include <cstdint>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::base {

/// The whole file at `path` when it holds at most `limit` bytes. Otherwise one line naming the
/// path and why ("PATH: larger than N bytes", "PATH: No such file or directory", ...), so that
/// a file an attacker made huge is refused before it is read into memory.
tl::expected<std::string, std::string> read_bounded(const std::string& path, std::uintmax_t limit);

} // namespace breakglass::base
