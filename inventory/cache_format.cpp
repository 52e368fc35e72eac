#include "inventory/cache_format.hpp"

#include "base/terminal_escape.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstdio>

namespace breakglass::inventory {

namespace {

bool read_number(std::string_view text, std::size_t at, std::size_t digits, int& value) {
    if (at + digits > text.size()) {
        return false;
    }
    for (std::size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    std::from_chars(text.data() + at, text.data() + at + digits, value);
    return true;
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
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

tl::expected<TimePoint, std::string> parse_rfc3339(std::string_view text) {
    const auto bad = [&] {
        return tl::unexpected("expected an RFC 3339 time such as 2026-11-24T08:00:00Z, got '" +
                              std::string(text) + "'");
    };
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_number(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
        !read_number(text, 5, 2, month) || text[7] != '-' || !read_number(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
        !read_number(text, 11, 2, hour) || text[13] != ':' || !read_number(text, 14, 2, minute) ||
        text[16] != ':' || !read_number(text, 17, 2, second)) {
        return bad();
    }
    std::size_t at = 19;
    if (text[at] == '.') {
        ++at;
        const std::size_t digits_start = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
        if (at == digits_start) {
            return bad();
        }
    }
    int offset_minutes = 0;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int offset_hours = 0;
        int offset_mins = 0;
        if (!read_number(text, at + 1, 2, offset_hours) || at + 3 >= text.size() ||
            text[at + 3] != ':' || !read_number(text, at + 4, 2, offset_mins) ||
            offset_hours > 23 || offset_mins > 59) {
            return bad();
        }
        offset_minutes = (offset_hours * 60 + offset_mins) * (text[at] == '-' ? -1 : 1);
        at += 6;
    } else {
        return bad();
    }
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    // Second 60 is a leap second: accepted and folded into the next minute's first second.
    if (at != text.size() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
        return bad();
    }
    return std::chrono::sys_days(date) + std::chrono::hours(hour) +
           std::chrono::minutes(minute - offset_minutes) + std::chrono::seconds(second);
}

std::string format_rfc3339(TimePoint time) {
    const auto days = std::chrono::floor<std::chrono::days>(time);
    const std::chrono::year_month_day date{days};
    const std::chrono::hh_mm_ss clock{time - days};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                  int(clock.minutes().count()), int(clock.seconds().count()));
    return text;
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
    const std::string shown = base::escape_terminal_line(name);
    if (shown != name) {
        return "name '" + shown + "' contains a control character or invalid UTF-8";
    }
    if (name.find_first_of(",[]*?! \t") != std::string_view::npos) {
        return "name '" + shown + "' contains a character node sets reserve";
    }
    return std::nullopt;
}

std::string_view host_key_type(std::string_view key) {
    return key.substr(0, key.find(' '));
}

} // namespace breakglass::inventory
