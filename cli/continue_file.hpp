#pragma once

#include "config/settings.hpp"

#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::cli {

/// The command line `argv` again with its selection (-l, -w, -x, --limit in any spelling)
/// replaced by `-w '^FILE'`, put before a `--` (after it, words are the remote command's);
/// words quoted for a POSIX shell where they need it.
std::string continue_command(const std::vector<std::string>& argv, const std::string& file);

/// Whether the short option `-LETTER` takes no value (a flag such as -y); every other short
/// option takes one, the rest of its group or else the next word, as CLI11 reads a group such
/// as -yw (-y, then -w with a value).
bool short_option_takes_no_value(char letter);

/// Writes `names` (the nodes not done) to a new file in the state dir (O_EXCL, O_NOFOLLOW,
/// 0600) with `why` in its comment header; the path, or one line saying why not.
tl::expected<std::string, std::string> write_continue_file(const config::Settings& settings,
                                                           const std::vector<std::string>& names,
                                                           const std::string& why);

} // namespace breakglass::cli
