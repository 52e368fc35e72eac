#include "base/rfc3339.hpp"

#include <cstdio>

namespace breakglass::base {

namespace {

// Reads `count` decimal digits at `at`; false if the text ends first or one is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
    if (at > text.size() || count > text.size() - at) {
        return false;
    }
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool is_at(std::string_view text, std::size_t at, char expected) {
    return at < text.size() && text[at] == expected;
}

} // namespace

tl::expected<std::chrono::sys_seconds, std::string> parse_rfc3339(std::string_view text) {
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
    if (!digits(text, 0, 4, year) || !is_at(text, 4, '-') || !digits(text, 5, 2, month) ||
        !is_at(text, 7, '-') || !digits(text, 8, 2, day) ||
        !(is_at(text, 10, 'T') || is_at(text, 10, 't')) || !digits(text, 11, 2, hour) ||
        !is_at(text, 13, ':') || !digits(text, 14, 2, minute) || !is_at(text, 16, ':') ||
        !digits(text, 17, 2, second)) {
        return bad();
    }
    std::size_t at = 19;
    if (is_at(text, at, '.')) {
        ++at;
        const std::size_t first = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
        if (at == first) {
            return bad();
        }
    }
    int offset_minutes = 0;
    if (is_at(text, at, 'Z') || is_at(text, at, 'z')) {
        ++at;
    } else if (is_at(text, at, '+') || is_at(text, at, '-')) {
        const int sign = text[at] == '-' ? -1 : 1;
        int offset_hours = 0;
        int offset_mins = 0;
        if (!digits(text, at + 1, 2, offset_hours) || !is_at(text, at + 3, ':') ||
            !digits(text, at + 4, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
            return bad();
        }
        offset_minutes = sign * (offset_hours * 60 + offset_mins);
        at += 6;
    } else {
        return bad();
    }
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (at != text.size() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
        return bad();
    }
    return std::chrono::sys_days(date) + std::chrono::hours(hour) +
           std::chrono::minutes(minute - offset_minutes) + std::chrono::seconds(second);
}

std::string format_rfc3339(std::chrono::sys_seconds time) {
    const auto days = std::chrono::floor<std::chrono::days>(time);
    const std::chrono::year_month_day date{days};
    const std::chrono::hh_mm_ss clock{time - days};
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                  int(clock.minutes().count()), int(clock.seconds().count()));
    return text;
}

} // namespace breakglass::base
