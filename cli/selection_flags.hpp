#pragma once

#include "cli/context.hpp"
#include "config/settings.hpp"
#include "inventory/inventory.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace breakglass::cli {

/// The selection every node-targeting command shares: -l, -w, -x, --limit, --allow-stale,
/// --strict-selection.
struct SelectionFlags {
    std::string selector;
    std::vector<std::string> nodes;
    std::vector<std::string> exclude;
    std::optional<std::size_t> limit;
    bool allow_stale = false;
    bool strict = false;
};

/// Adds the selection flags to `command`.
void add_selection_flags(CLI::App& command, SelectionFlags& flags);

/// The loaded inventory and the indices of the selected nodes, in inventory order.
struct SelectedFleet {
    inventory::Inventory inventory;
    std::vector<std::size_t> indices;
};

/// Loads the inventory named by the settings, prints its age on stderr (warning past
/// stale_warn), and selects. Throws Failure: 3 for an unreadable, stale (past stale_refuse
/// without --allow-stale) or empty selection, 2 for selector syntax.
SelectedFleet select_fleet(const Context& context, const config::Settings& settings,
                           const SelectionFlags& flags);

} // namespace breakglass::cli
