#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::config {

/// The user's config file: one flat JSON object of setting keys (see setting_specs.hpp).
struct ConfigFile {
    std::filesystem::path path;
    std::map<std::string, nlohmann::json> values;
    std::string text; // kept to point errors at a key's line and column

    /// "path:line:column" of the first occurrence of the key, else "path".
    std::string location_of(const std::string& key) const;
};

/// Reads and parses a config file. A missing file is nullopt when `must_exist` is false.
/// Errors are one line: "path:line:column: what is wrong".
tl::expected<std::optional<ConfigFile>, std::string>
load_config_file(const std::filesystem::path& path, bool must_exist);

/// Parses config text that was already read; `path` only names it in errors.
tl::expected<ConfigFile, std::string> parse_config_text(const std::filesystem::path& path,
                                                        std::string text);

/// 1-based line and column of a byte offset in `text`.
std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t offset);

} // namespace breakglass::config
