#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace breakglass::inventory {

/// Kubernetes' rules for a label key: an optional DNS-subdomain prefix (≤ 253 characters,
/// lower case) and "/", then a name of 1-63 characters [A-Za-z0-9-_.] that starts and ends
/// alphanumeric. Returns why `key` breaks them, or nullopt when it is valid.
std::optional<std::string> label_key_problem(std::string_view key);

/// Kubernetes' rules for a label value: empty, or up to 63 characters [A-Za-z0-9-_.] starting
/// and ending alphanumeric. Returns why `value` breaks them, or nullopt when it is valid.
std::optional<std::string> label_value_problem(std::string_view value);

} // namespace breakglass::inventory
