#pragma once

#include "config/settings.hpp"
#include "inventory/inventory.hpp"
#include "policy/inventory_trust.hpp"

#include <string>
#include <string_view>

namespace breakglass::cli {

/// An inventory and what its signature (PATH.sig) says about the very bytes parsed.
struct CheckedInventory {
    inventory::Inventory inventory;
    policy::InventorySignature signature;
    std::string sha256; // of the bytes parsed (and verified)
};

/// Loads the inventory at `path`: the file is read once; with PATH.sig its bytes are verified
/// against the allowed_signers setting (namespace breakglass-inventory), then parsed and
/// hashed, so what was verified is what is used and what the audit log names.
/// Throws Failure 3 when the inventory cannot be read or parsed; a bad signature is a state,
/// not a throw (the caller decides with policy::decide_inventory_use).
CheckedInventory load_checked_inventory(const config::Settings& settings, const std::string& path);

/// Signs `path` with `ssh-keygen -Y sign -n breakglass-inventory -f KEY` into PATH.sig (a
/// stale PATH.sig is removed first). A KEY ending in .pub signs with the matching key held in
/// ssh-agent. Throws Failure 4 naming ssh-keygen's complaint.
void sign_inventory(const std::string& path, const std::string& key);

/// Signs `path` into PATH.sig with `ssh-keygen -Y sign -n NAMESPACE -f KEY` (stale PATH.sig
/// removed first; KEY ending in .pub: the private half is in ssh-agent). Throws Failure 4
/// "cannot sign WHAT PATH with KEY: <ssh-keygen's first line>".
void sign_file(const std::string& path, const std::string& key, std::string_view name_space,
               const std::string& what);

/// Removes PATH.sig after PATH was rewritten without signing, so no stale signature remains;
/// returns true when there was one.
bool drop_stale_signature(const std::string& path);

} // namespace breakglass::cli
