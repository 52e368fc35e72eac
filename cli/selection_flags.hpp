#pragma once

#include "cli/context.hpp"
#include "config/settings.hpp"
#include "inventory/inventory.hpp"
#include "policy/inventory_trust.hpp"
#include "transport/become.hpp"

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
    bool allow_unsigned_inventory = false;
};

/// Adds the selection flags to `command`.
void add_selection_flags(CLI::App& command, SelectionFlags& flags);

/// The loaded inventory and the indices of the selected nodes, in inventory order.
struct SelectedFleet {
    inventory::Inventory inventory;
    std::vector<std::size_t> indices;
    transport::BecomeMethod become = transport::BecomeMethod::sudo; // for logins other than root
    policy::InventorySignature signature; // what PATH.sig says about the bytes loaded
    std::string selection;                // the selection flags as given, for the audit log
    std::string inventory_sha256;         // of the bytes loaded, for the audit log
};

/// Why a command selects nodes: only runs have their inventory's signature judged.
enum class InventoryUse { listing, read_only_run, mutating_run };

/// Loads the inventory named by the settings and checks its signature, prints its age and
/// signer on stderr (warning past stale_warn, or when a run uses an unsigned inventory),
/// resolves the become method and selects. A mutating run refuses (3) an unsigned or badly
/// signed inventory unless --allow-unsigned-inventory; see policy::decide_inventory_use. Throws
/// Failure: 3 for an unreadable, stale (past stale_refuse without --allow-stale) or empty
/// selection, or an inventory become that is not a method; 2 for selector syntax or a
/// --become-method that is not a method, 4 for such a value from the environment or config file.
SelectedFleet select_fleet(const Context& context, const config::Settings& settings,
                           const SelectionFlags& flags, InventoryUse use = InventoryUse::listing);

} // namespace breakglass::cli
