#include "inventory/known_hosts.hpp"

#include "base/glob.hpp"
#include "inventory/cache_format.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace breakglass::inventory {

namespace {

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) {
            ++at;
        }
        const std::size_t start = at;
        while (at < line.size() && line[at] != ' ' && line[at] != '\t') {
            ++at;
        }
        if (at > start) {
            parts.push_back(line.substr(start, at - start));
        }
    }
    return parts;
}

} // namespace

KnownHosts parse_known_hosts(std::string_view text) {
    KnownHosts result;
    std::size_t hashed = 0;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        std::vector<std::string_view> parts = fields(line);
        if (parts.empty() || parts[0].starts_with('#')) {
            continue;
        }
        std::string_view marker;
        if (parts[0].starts_with('@')) {
            marker = parts[0];
            parts.erase(parts.begin());
        }
        const std::string where = "known_hosts line " + std::to_string(line_number);
        if (parts.size() < 3) {
            result.warnings.push_back(where + " skipped: expected 'HOSTS TYPE KEY'");
            continue;
        }
        auto key = check_host_key(std::string(parts[1]) + " " + std::string(parts[2]));
        if (!key) {
            result.warnings.push_back(where + " skipped: " + key.error());
            continue;
        }
        if (marker == "@revoked") {
            result.warnings.push_back(where + ": @revoked key will never be pinned");
            result.revoked_keys.push_back(std::move(*key));
            continue;
        }
        if (!marker.empty()) {
            result.warnings.push_back(where + " skipped: " + std::string(marker) +
                                      " is not supported (pin host keys instead)");
            continue;
        }
        if (parts[0].starts_with("|1|")) {
            ++hashed;
            continue;
        }
        result.entries.push_back({std::string(parts[0]), std::move(*key)});
    }
    if (hashed > 0) {
        result.warnings.push_back(
            std::to_string(hashed) +
            " hashed known_hosts entries (|1|...) skipped: they cannot be matched here; use a "
            "file written with HashKnownHosts no, or run scan-host-keys while healthy");
    }
    return result;
}

tl::expected<KnownHosts, std::string> load_known_hosts(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        return tl::unexpected("cannot read known_hosts " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_known_hosts(text.str());
}

std::vector<std::string> find_known_host_keys(const KnownHosts& known_hosts, std::string_view host,
                                              std::uint16_t port) {
    const std::string bracketed = "[" + std::string(host) + "]:" + std::to_string(port);
    std::vector<std::string> keys;
    for (const KnownHosts::Entry& entry : known_hosts.entries) {
        // As OpenSSH's match_hostname: a negated pattern that matches rules the line out.
        const auto matches = [&](std::string_view lookup) {
            return base::glob_match_list(entry.patterns, lookup) == base::ListMatch::positive;
        };
        const bool match = port == 22 ? matches(host) || matches(bracketed) : matches(bracketed);
        const bool revoked =
            std::find(known_hosts.revoked_keys.begin(), known_hosts.revoked_keys.end(),
                      entry.key) != known_hosts.revoked_keys.end();
        if (match && !revoked && std::find(keys.begin(), keys.end(), entry.key) == keys.end()) {
            keys.push_back(entry.key);
        }
    }
    return keys;
}

} // namespace breakglass::inventory
