#pragma once

#include <string>
#include <string_view>

namespace breakglass::base {

/// `text` as one POSIX shell word: single-quoted, each embedded quote written as '\''. Every
/// byte (newlines, `$`, backticks, NUL excepted) arrives literally; "" becomes ''.
std::string shell_quote(std::string_view text);

} // namespace breakglass::base
