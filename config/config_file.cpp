#include "config/config_file.hpp"

#include "base/json_duplicate_keys.hpp"

#include <fstream>
#include <sstream>

namespace breakglass::config {

namespace {

// Offset of the first (or last) `"key"` followed by a colon: a member name, not a value.
std::size_t find_member(const std::string& text, const std::string& key, bool last) {
    const std::string quoted = "\"" + key + "\"";
    std::size_t found = std::string::npos;
    for (std::size_t at = text.find(quoted); at != std::string::npos;
         at = text.find(quoted, at + 1)) {
        std::size_t after = text.find_first_not_of(" \t\r\n", at + quoted.size());
        if (after != std::string::npos && text[after] == ':') {
            found = at;
            if (!last) {
                break;
            }
        }
    }
    return found;
}

std::string location(const std::filesystem::path& path, const std::string& text,
                     std::size_t offset) {
    if (offset == std::string::npos) {
        return path.string();
    }
    auto [line, column] = line_and_column(text, offset);
    return path.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

} // namespace

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

std::string ConfigFile::location_of(const std::string& key) const {
    return location(path, text, find_member(text, key, false));
}

tl::expected<ConfigFile, std::string> parse_config_text(const std::filesystem::path& path,
                                                        std::string text) {
    // A repeated key: nlohmann would keep the last, a reader may believe the first.
    if (auto repeated = base::find_duplicate_json_key(text)) {
        const std::string key = repeated->substr(repeated->rfind('.') + 1);
        return tl::unexpected(location(path, text, find_member(text, key, true)) + ": key '" +
                              *repeated + "' appears twice");
    }
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        // nlohmann counts bytes read: the offending byte is the last one read.
        std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        auto [line, column] = line_and_column(text, offset);
        std::string what = error.what();
        // Keep nlohmann's description but drop its own "[json.exception...] ... at line" prefix.
        if (auto colon = what.find(": ", what.find(']')); colon != std::string::npos) {
            what = what.substr(colon + 2);
        }
        return tl::unexpected(path.string() + ":" + std::to_string(line) + ":" +
                              std::to_string(column) + ": invalid JSON: " + what);
    }
    if (!document.is_object()) {
        return tl::unexpected(path.string() + ":1:1: the config file must be a JSON object");
    }
    ConfigFile file{path, {}, std::move(text)};
    for (auto& [key, value] : document.items()) {
        file.values.emplace(key, value);
    }
    return file;
}

tl::expected<std::optional<ConfigFile>, std::string>
load_config_file(const std::filesystem::path& path, bool must_exist) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        if (must_exist) {
            return tl::unexpected(path.string() + ": config file does not exist");
        }
        return std::optional<ConfigFile>{};
    }
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return tl::unexpected(path.string() + ": cannot read config file");
    }
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    auto parsed = parse_config_text(path, buffer.str());
    if (!parsed) {
        return tl::unexpected(parsed.error());
    }
    return std::optional<ConfigFile>{std::move(*parsed)};
}

} // namespace breakglass::config
