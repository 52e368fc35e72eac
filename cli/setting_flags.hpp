#pragma once

#include "cli/context.hpp"

#include <string>

#include <CLI/CLI.hpp>

namespace breakglass::cli {

/// Adds the flag of a setting (e.g. --connect-timeout for connect_timeout) to `command`; its
/// values land in Context::flags, where they outrank environment, config file and defaults.
/// `extra_names` adds short forms such as "-i".
CLI::Option* add_setting_flag(CLI::App& command, Context& context, const std::string& key,
                              const std::string& extra_names = "");

/// Adds -o/--output with the given choices (the first is the default).
CLI::Option* add_output_flag(CLI::App& command, std::string& format,
                             const std::vector<std::string>& choices);

} // namespace breakglass::cli
