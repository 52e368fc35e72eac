#pragma once

#include <cstddef>
#include <string>

namespace breakglass::testing {

/// How many times PART occurs in TEXT, overlapping occurrences included.
std::size_t count_of(const std::string& text, const std::string& part);

/// How many lines of TEXT contain NEEDLE.
std::size_t count_lines_with(const std::string& text, const std::string& needle);

} // namespace breakglass::testing
