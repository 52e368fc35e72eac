#include "config/units.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace breakglass::config {

namespace {

struct Unit {
    std::string_view suffix;
    std::int64_t milliseconds;
};

// Longest suffixes first so "ms" is not read as "m" followed by junk.
constexpr std::array<Unit, 5> k_duration_units{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
}};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
    const std::string expected_form = "expected a duration such as 500ms, 5s, 2m, 24h or 7d";
    if (text.empty()) {
        return tl::unexpected(expected_form + ", got nothing");
    }
    std::int64_t total = 0;
    std::string_view rest = text;
    while (!rest.empty()) {
        std::size_t digits = 0;
        while (digits < rest.size() && is_digit(rest[digits])) {
            ++digits;
        }
        if (digits == 0) {
            return tl::unexpected(expected_form + ", got '" + std::string(text) + "'");
        }
        std::int64_t amount = 0;
        auto [end, error] = std::from_chars(rest.data(), rest.data() + digits, amount);
        if (error != std::errc{}) {
            return tl::unexpected("duration '" + std::string(text) + "' is too large");
        }
        rest.remove_prefix(digits);
        std::int64_t scale = 1000; // a bare number is seconds
        if (!rest.empty()) {
            bool matched = false;
            for (const Unit& unit : k_duration_units) {
                if (rest.starts_with(unit.suffix)) {
                    scale = unit.milliseconds;
                    rest.remove_prefix(unit.suffix.size());
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                return tl::unexpected(expected_form + ", got '" + std::string(text) + "'");
            }
        } else if (total != 0) {
            // "1h30" is ambiguous: only a lone number may omit its unit.
            return tl::unexpected(expected_form + ", got '" + std::string(text) + "'");
        }
        if (amount > (std::numeric_limits<std::int64_t>::max() - total) / scale) {
            return tl::unexpected("duration '" + std::string(text) + "' is too large");
        }
        total += amount * scale;
    }
    return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds value) {
    std::int64_t remaining = value.count();
    if (remaining == 0) {
        return "0s";
    }
    std::string out;
    if (remaining < 0) {
        out = "-";
        remaining = -remaining;
    }
    // Largest unit first. By index: clang 14 (clang-tidy) cannot compile libstdc++ 12's
    // std::views::reverse.
    for (std::size_t at = k_duration_units.size(); at-- > 0;) {
        const auto& unit = k_duration_units[at];
        if (remaining >= unit.milliseconds) {
            out += std::to_string(remaining / unit.milliseconds);
            out += unit.suffix;
            remaining %= unit.milliseconds;
        }
    }
    return out;
}

tl::expected<std::uint64_t, std::string> parse_size(std::string_view text) {
    const std::string expected_form = "expected a size such as 1048576, 512KiB, 1MiB or 2GiB";
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) {
        ++digits;
    }
    if (digits == 0) {
        return tl::unexpected(expected_form + ", got '" + std::string(text) + "'");
    }
    std::uint64_t amount = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + digits, amount);
    if (error != std::errc{}) {
        return tl::unexpected("size '" + std::string(text) + "' is too large");
    }
    std::string_view suffix = text.substr(digits);
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 7> k_size_units{{
        {"", 1},
        {"KiB", 1ULL << 10U},
        {"MiB", 1ULL << 20U},
        {"GiB", 1ULL << 30U},
        {"K", 1ULL << 10U},
        {"M", 1ULL << 20U},
        {"G", 1ULL << 30U},
    }};
    for (const auto& [name, scale] : k_size_units) {
        if (suffix == name) {
            if (amount > std::numeric_limits<std::uint64_t>::max() / scale) {
                return tl::unexpected("size '" + std::string(text) + "' is too large");
            }
            return amount * scale;
        }
    }
    return tl::unexpected(expected_form + ", got '" + std::string(text) + "'");
}

std::string format_size(std::uint64_t bytes) {
    if (bytes != 0 && bytes % (1ULL << 30U) == 0) {
        return std::to_string(bytes >> 30U) + "GiB";
    }
    if (bytes != 0 && bytes % (1ULL << 20U) == 0) {
        return std::to_string(bytes >> 20U) + "MiB";
    }
    if (bytes != 0 && bytes % (1ULL << 10U) == 0) {
        return std::to_string(bytes >> 10U) + "KiB";
    }
    return std::to_string(bytes);
}

} // namespace breakglass::config
