#pragma once

#include "playbooks/playbook_format.hpp"

#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// Longest parameter value accepted (bounds regex matching and the scripts sent).
inline constexpr std::size_t k_max_param_value = 4096;

/// Compiles a parameter pattern: ECMAScript, at most 256 bytes, written anchored ("^...$"),
/// no repeated group ("(a*)*": exponential backtracking), at most two {n,m} counts of at most 256
/// each (bounded compile cost). The error says why.
tl::expected<std::regex, std::string> compile_pattern(std::string_view pattern);

/// One parameter as a script receives it.
struct BoundParam {
    std::string name;
    std::string value;
};

/// Binds `assignments` ("name=value", as given to --param) to the playbook's parameters:
/// an unknown name, a name given twice, a missing required parameter, or a value that does not
/// match its pattern (the whole value; `.` does not match a newline) is an error naming it.
/// Unset optional parameters take their default, else the empty string. Sorted by name.
tl::expected<std::vector<BoundParam>, std::string>
bind_parameters(const Playbook& playbook, const std::vector<std::string>& assignments);

} // namespace breakglass::playbooks
