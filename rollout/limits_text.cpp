#include "rollout/limits_text.hpp"

#include "base/terminal_escape.hpp"

#include <limits>

namespace breakglass::rollout {

namespace {

// The text may come from an unsigned config file or environment: quote it terminal-safe.
std::string quoted(std::string_view text) {
    return "'" + base::escape_terminal_line(text) + "'";
}

tl::unexpected<InputError> refuse(InputError::Kind kind, std::string message) {
    return tl::unexpected(InputError{kind, std::move(message)});
}

// The value named in a message: "'x'", or "wave 2 'x'" inside a list. Messages never name
// the flag or setting: the caller prefixes where the text came from ("--waves: ",
// "environment variable BREAKGLASS_WAVES: "), as config/ does for every setting.
std::string subject(std::string_view what, std::string_view text) {
    return (what.empty() ? "" : std::string(what) + " ") + quoted(text);
}

// A count as the grammar in the header defines it, at most `most`.
tl::expected<std::uint64_t, InputError> parse_count(std::string_view text, std::string_view what,
                                                    std::uint64_t most) {
    if (text.empty()) {
        return refuse(InputError::Kind::empty, (what.empty() ? "" : std::string(what) + " ") +
                                                   "is empty: give a whole number");
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return refuse(InputError::Kind::syntax,
                          subject(what, text) + " is not a whole number (digits only)");
        }
    }
    if (text.size() > 1 && text.front() == '0') {
        return refuse(InputError::Kind::leading_zero, subject(what, text) + " has a leading zero");
    }
    std::uint64_t value = 0;
    bool overflow = false;
    for (char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            overflow = true;
            break;
        }
        value = value * 10 + digit;
    }
    if (overflow || value > most) {
        return refuse(InputError::Kind::out_of_range,
                      subject(what, text) + " is above " + std::to_string(most));
    }
    return value;
}

// "P%" with P in least..100; errors quote the whole text, % included.
tl::expected<unsigned, InputError> parse_percent(std::string_view text, std::string_view what,
                                                 unsigned least) {
    const std::string range = " (a percentage is " + std::to_string(least) + "% to 100%)";
    if (text.empty()) {
        return refuse(InputError::Kind::empty,
                      (what.empty() ? "" : std::string(what) + " ") + "is empty" + range);
    }
    if (text.back() != '%') {
        return refuse(InputError::Kind::syntax,
                      subject(what, text) + " is not a percentage such as 25%");
    }
    const std::string_view digits = text.substr(0, text.size() - 1);
    auto number = parse_count(digits, what, 100);
    if (!number) {
        const InputError::Kind kind = number.error().kind == InputError::Kind::empty
                                          ? InputError::Kind::syntax
                                          : number.error().kind;
        const char* why = kind == InputError::Kind::leading_zero   ? " has a leading zero"
                          : kind == InputError::Kind::out_of_range ? " is above 100%"
                                                                   : " is not a percentage";
        return refuse(kind, subject(what, text) + why + range);
    }
    if (*number < least) {
        return refuse(InputError::Kind::out_of_range,
                      subject(what, text) + " is below " + std::to_string(least) + "%" + range);
    }
    return static_cast<unsigned>(*number);
}

} // namespace

WaveSchedule default_wave_schedule() {
    return WaveSchedule{{5, 25, 100}};
}

tl::expected<std::uint64_t, InputError> parse_canary(std::string_view text) {
    return parse_count(text, "", k_max_count);
}

tl::expected<WaveSchedule, InputError> parse_waves(std::string_view text) {
    if (text.empty()) {
        return refuse(InputError::Kind::empty,
                      "is empty: give cumulative percentages such as 5%,25%,100%");
    }
    WaveSchedule schedule;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view element = text.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const std::string what = "wave " + std::to_string(schedule.percents.size() + 1);
        auto percent = parse_percent(element, what, 1);
        if (!percent) {
            return tl::unexpected(percent.error());
        }
        if (!schedule.percents.empty() && *percent <= schedule.percents.back()) {
            return refuse(InputError::Kind::not_increasing,
                          what + " is " + std::to_string(*percent) +
                              "%, not above the wave before it (waves are cumulative)");
        }
        schedule.percents.push_back(*percent);
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    if (schedule.percents.back() != 100) {
        return refuse(InputError::Kind::last_not_full,
                      quoted(text) + " must end at 100% (the last wave is the rest)");
    }
    return schedule;
}

tl::expected<FailureLimit, InputError> parse_max_failures(std::string_view text) {
    if (!text.empty() && text.back() == '%') {
        auto percent = parse_percent(text, "", 0);
        if (!percent) {
            return tl::unexpected(percent.error());
        }
        return FailureLimit{FailureLimit::Kind::percent, *percent};
    }
    auto count = parse_count(text, "", k_max_count);
    if (!count) {
        count.error().message += " (a number of nodes, or a percentage such as 10%)";
        return tl::unexpected(count.error());
    }
    return FailureLimit{FailureLimit::Kind::count, *count};
}

tl::expected<std::uint64_t, InputError> parse_seed(std::string_view text) {
    return parse_count(text, "", std::numeric_limits<std::uint64_t>::max());
}

std::string to_text(const WaveSchedule& schedule) {
    std::string text;
    for (unsigned percent : schedule.percents) {
        text += (text.empty() ? "" : ",") + std::to_string(percent) + "%";
    }
    return text;
}

std::string to_text(const FailureLimit& limit) {
    return std::to_string(limit.value) + (limit.kind == FailureLimit::Kind::percent ? "%" : "");
}

} // namespace breakglass::rollout
