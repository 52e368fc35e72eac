#pragma once

#include "transport/node_result.hpp"

#include <string>
#include <string_view>

namespace breakglass::transport {

/// `text` as one POSIX shell word: single-quoted, with embedded quotes escaped ('\'').
std::string shell_quote(std::string_view text);

/// Runs `command` through the privilege escalation command (e.g. "sudo -n"): the result is
/// `sudo -n sh -c '<command>'`. "none" or empty returns the command unchanged.
std::string with_become(const std::string& command, const std::string& become);

/// A non-interactive sudo that wanted a password (or refused the user) ends `failed` with
/// reason "become-denied" instead of looking like the command's own failure.
void classify_become_denied(StepResult& result);

} // namespace breakglass::transport
