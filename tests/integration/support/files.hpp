#pragma once

#include <filesystem>
#include <string>

namespace breakglass::testing {

/// The whole content of the file at PATH, its bytes as they are; "" when it cannot be opened
/// (a test then fails on what it expected to find, with the text it got).
std::string read_text(const std::filesystem::path& path);

/// The first line of the file at PATH without its newline; "" when it has none or cannot be
/// opened.
std::string first_line(const std::filesystem::path& path);

/// Replaces the file at PATH with TEXT (creating it); throws std::runtime_error when it cannot
/// be written, so a test never goes on with a file it did not write.
void write_text(const std::filesystem::path& path, const std::string& text);

} // namespace breakglass::testing
