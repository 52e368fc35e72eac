#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace breakglass::base {

/// The path of the first key that an object of `json_text` names twice ("steps[2].run",
/// "params.NAME", "parallel"), or nothing when no object repeats a key. A parser that keeps the
/// last of two equal keys runs what a reviewer reading the first one never saw, so every JSON
/// file breakglass trusts is checked with this before it is parsed. Text that is not JSON is
/// not judged here (the caller's parser reports it); a repeated key before the syntax error is
/// still found.
std::optional<std::string> find_duplicate_json_key(std::string_view json_text);

} // namespace breakglass::base
