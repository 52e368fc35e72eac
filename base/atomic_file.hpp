#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include <tl/expected.hpp>

namespace breakglass::base {

/// Replaces `path` with `contents` so that readers see the old file or the new one, never a torn
/// one: a temporary beside it (".NAME.tmp.XXXXXX", created with O_EXCL and O_NOFOLLOW, so never
/// through a planted symlink; a name textfile collectors and globs on NAME's suffix skip), written
/// whole, fsynced, renamed over `path`, then the directory fsynced. An existing file keeps its
/// mode; a new one gets `new_mode`. The directory must exist. Fails with the system's reason; the
/// temporary is removed on every failure.
tl::expected<void, std::string> replace_file_atomically(const std::filesystem::path& path,
                                                        std::string_view contents, mode_t new_mode);

} // namespace breakglass::base
