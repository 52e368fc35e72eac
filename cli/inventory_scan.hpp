#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace breakglass::cli {

/// Adds `scan-host-keys` under the `inventory` command: key exchange with each selected node,
/// keys recorded with a timestamp (atomic rewrite), changes reported against the pinned keys.
void register_inventory_scan(CLI::App& inventory_command, Context& context);

} // namespace breakglass::cli
