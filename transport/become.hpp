#pragma once

#include "transport/node_result.hpp"

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::transport {

/// How a step runs as root. Only these: the command line of each lives in with_become, so no
/// setting, environment variable or inventory field can put shell text in front of a command.
enum class BecomeMethod { none, sudo };

/// "sudo" or "none"; anything else is an error listing the accepted names.
tl::expected<BecomeMethod, std::string> parse_become_method(std::string_view text);

/// The method's name as parse_become_method accepts it.
std::string_view to_string(BecomeMethod method);

/// Runs `command` through `method`: sudo gives `sudo -n sh -c '<command>'`; none returns the
/// command unchanged.
std::string with_become(const std::string& command, BecomeMethod method);

/// A non-interactive sudo that wanted a password (or refused the user) ends `failed` with
/// reason "become-denied" instead of looking like the command's own failure.
void classify_become_denied(StepResult& result);

} // namespace breakglass::transport
