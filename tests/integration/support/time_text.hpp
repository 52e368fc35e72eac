#pragma once

#include <chrono>
#include <string>

namespace breakglass::testing {

/// The time FROM_NOW from now (negative: in the past) in UTC, as RFC 3339 to the second
/// ("2026-12-06T19:04:10Z"): how signed documents spell issued_at and expires.
std::string rfc3339(std::chrono::system_clock::duration from_now);

} // namespace breakglass::testing
