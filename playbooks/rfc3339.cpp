#include "playbooks/rfc3339.hpp"

#include <cstdio>

namespace breakglass::playbooks {

namespace {

// Reads `count` digits at `at`; false if any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
    if (at + count > text.size()) {
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

bool separator(std::string_view text, std::size_t at, char expected) {
    return at < text.size() && text[at] == expected;
}

} // namespace

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, 0, 4, year) || !separator(text, 4, '-') || !digits(text, 5, 2, month) ||
        !separator(text, 7, '-') || !digits(text, 8, 2, day) ||
        !(separator(text, 10, 'T') || separator(text, 10, 't')) || !digits(text, 11, 2, hour) ||
        !separator(text, 13, ':') || !digits(text, 14, 2, minute) || !separator(text, 16, ':') ||
        !digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    std::size_t at = 19;
    if (separator(text, at, '.')) {
        ++at;
        const std::size_t first = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
        if (at == first) {
            return std::nullopt;
        }
    }
    int offset_minutes = 0;
    if (separator(text, at, 'Z') || separator(text, at, 'z')) {
        ++at;
    } else if (separator(text, at, '+') || separator(text, at, '-')) {
        const int sign = text[at] == '-' ? -1 : 1;
        int offset_hours = 0, offset_mins = 0;
        if (!digits(text, at + 1, 2, offset_hours) || !separator(text, at + 3, ':') ||
            !digits(text, at + 4, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
            return std::nullopt;
        }
        offset_minutes = sign * (offset_hours * 60 + offset_mins);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size() || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    // A leap second is read as the second after it.
    return std::chrono::sys_days(date) + std::chrono::hours(hour) +
           std::chrono::minutes(minute - offset_minutes) + std::chrono::seconds(second);
}

std::string format_rfc3339(std::chrono::sys_seconds time) {
    const auto days = std::chrono::floor<std::chrono::days>(time);
    const std::chrono::year_month_day date(days);
    const std::chrono::hh_mm_ss clock(time - days);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), long(clock.hours().count()),
                  long(clock.minutes().count()), static_cast<long long>(clock.seconds().count()));
    return text;
}

} // namespace breakglass::playbooks
