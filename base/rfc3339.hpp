#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::base {

/// Parses an RFC 3339 date-time: "2026-11-24T08:00:00Z" or with an offset ("+01:00", "-05:30").
/// The separator is `T` (or `t`, which RFC 3339 allows): a space, which RFC 3339 only permits
/// by mutual agreement, is refused; breakglass writes its own timestamps and kubectl's use `T`.
/// A fraction of a second is accepted and dropped; second 60 (a leap second) is read as the
/// first second of the next minute. The error says what was expected and quotes `text`.
tl::expected<std::chrono::sys_seconds, std::string> parse_rfc3339(std::string_view text);

/// `time` as "YYYY-MM-DDTHH:MM:SSZ": always UTC, whole seconds.
std::string format_rfc3339(std::chrono::sys_seconds time);

} // namespace breakglass::base
