#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::config {

/// Parses "250ms", "5s", "2m", "24h", "7d" and sums such as "1h30m"; a bare number is seconds.
/// Errors say what was expected, never which source the text came from (the caller knows).
tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

/// The shortest exact form of a duration: "5s", "24h", "1h30m", "250ms", "0s".
std::string format_duration(std::chrono::milliseconds value);

/// Parses "1048576", "512KiB", "1MiB", "2GiB" (also "K"/"M"/"G", read as binary units).
tl::expected<std::uint64_t, std::string> parse_size(std::string_view text);

/// "1MiB" when exact, else the byte count.
std::string format_size(std::uint64_t bytes);

} // namespace breakglass::config
