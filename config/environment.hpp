#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace breakglass::config {

/// Reads one environment variable; unset and empty both give nullopt, as XDG asks.
/// A function rather than getenv() so tests can pass a fixed environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The real process environment.
EnvLookup process_environment();

/// A fixed environment, for tests.
EnvLookup fixed_environment(std::map<std::string, std::string> values);

} // namespace breakglass::config
