#include "inventory/cache_format.hpp"

#include "base/terminal_escape.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <string_view>

namespace breakglass::inventory {

namespace {

// A table, not a chain of comparisons: every node's host keys pass through here on each load.
constexpr auto k_base64 = [] {
    std::array<bool, 256> table{};
    for (const char c : std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789+/=")) {
        table[static_cast<unsigned char>(c)] = true;
    }
    return table;
}();

// Characters a node name may not hold: node sets use them (plus space and tab, which also end a
// name in a file of names).
constexpr std::string_view k_reserved_in_names = ",[]*?! \t";

bool is_base64_char(char c) {
    return k_base64[static_cast<unsigned char>(c)];
}

} // namespace

bool is_ip_literal(std::string_view text) {
    if (text.empty() || text.size() > 45) {
        return false;
    }
    const std::string copy(text);
    unsigned char buffer[16];
    return inet_pton(AF_INET, copy.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

tl::expected<std::string, std::string> check_host_key(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    const std::size_t space = text.find(' ');
    if (space == std::string_view::npos || space == 0) {
        return tl::unexpected(std::string("a host key must be 'TYPE BASE64' in OpenSSH form"));
    }
    const std::string_view type = text.substr(0, space);
    const std::string_view blob = text.substr(space + 1);
    for (char c : type) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '@' || c == '.';
        if (!ok) {
            return tl::unexpected("host key type '" + std::string(type) + "' is not valid");
        }
    }
    if (blob.empty() || blob.size() % 4 != 0) {
        return tl::unexpected("host key of type " + std::string(type) +
                              " has no valid base64 body (a comment is not allowed)");
    }
    for (char c : blob) {
        if (!is_base64_char(c)) {
            return tl::unexpected("host key of type " + std::string(type) +
                                  " has no valid base64 body (a comment is not allowed)");
        }
    }
    return std::string(text);
}

std::optional<std::string> node_name_problem(std::string_view name) {
    // Nearly every name is plain printable ASCII outside the reserved set: no escaping needed
    // to know it is fine (this runs once per node on every load).
    if (std::all_of(name.begin(), name.end(), [](char c) {
            return c > ' ' && c < 0x7F && k_reserved_in_names.find(c) == std::string_view::npos;
        })) {
        return std::nullopt;
    }
    const std::string shown = base::escape_terminal_line(name);
    if (shown != name) {
        return "name '" + shown + "' contains a control character or invalid UTF-8";
    }
    if (name.find_first_of(k_reserved_in_names) != std::string_view::npos) {
        return "name '" + shown + "' contains a character node sets reserve";
    }
    return std::nullopt;
}

std::string_view host_key_type(std::string_view key) {
    return key.substr(0, key.find(' '));
}

} // namespace breakglass::inventory
