#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace breakglass::playbooks {

/// Parses an RFC 3339 date-time: "2026-11-24T22:00:00Z" or with an offset ("+01:00"); a
/// fraction of a second is accepted and dropped. nullopt for anything else or an invalid date.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);

/// `time` as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_rfc3339(std::chrono::sys_seconds time);

} // namespace breakglass::playbooks
