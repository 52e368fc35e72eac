#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace breakglass::testing {

/// How many times PART occurs in TEXT, overlapping occurrences included.
std::size_t count_of(const std::string& text, const std::string& part);

/// TEXT's lines without their newlines (a last line without one included).
std::vector<std::string> lines_of(const std::string& text);

/// How many lines of TEXT contain NEEDLE.
std::size_t count_lines_with(const std::string& text, const std::string& needle);

} // namespace breakglass::testing
