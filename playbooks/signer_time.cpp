#include "playbooks/signer_time.hpp"

#include <ctime>

namespace breakglass::playbooks {

namespace {

std::optional<int> number(std::string_view digits) {
    int value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size()) {
        return false;
    }
    text.remove_prefix(text.size() - suffix.size());
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        const char c =
            text[i] >= 'a' && text[i] <= 'z' ? static_cast<char>(text[i] - 'a' + 'A') : text[i];
        if (c != suffix[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<std::int64_t> parse_signer_time(std::string_view text) {
    bool utc = false;
    if (text.size() > 1 && ends_with_ignoring_case(text, "Z")) {
        utc = true;
        text.remove_suffix(1);
    } else if (text.size() > 3 && ends_with_ignoring_case(text, "UTC")) {
        utc = true;
        text.remove_suffix(3);
    }
    if (text.size() != 8 && text.size() != 12 && text.size() != 14) {
        return std::nullopt;
    }
    auto year = number(text.substr(0, 4));
    auto month = number(text.substr(4, 2));
    auto day = number(text.substr(6, 2));
    auto hour = text.size() > 8 ? number(text.substr(8, 2)) : 0;
    auto minute = text.size() > 8 ? number(text.substr(10, 2)) : 0;
    auto second = text.size() > 12 ? number(text.substr(12, 2)) : 0;
    // strptime's ranges: %S allows a leap second, %d up to 31 whatever the month.
    if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
        *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    tm.tm_isdst = 0; // ssh-keygen zeroes its struct tm and never asks mktime to decide
    const std::time_t seconds = utc ? timegm(&tm) : std::mktime(&tm);
    if (seconds <= 0) {
        return std::nullopt; // ssh-keygen treats 0 as "unset" and negative as invalid
    }
    return static_cast<std::int64_t>(seconds);
}

} // namespace breakglass::playbooks
