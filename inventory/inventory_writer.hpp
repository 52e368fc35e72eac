#pragma once

#include "inventory/inventory.hpp"

#include <filesystem>
#include <ostream>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Writes the cache text: header fields first, then one node per line (compact, diffable,
/// greppable), labels sorted by key. load_inventory() reads back exactly what was written.
void write_inventory(const Inventory& inventory, std::ostream& out);

/// Replaces `path` atomically: a temporary file in the same directory, fsync, rename, fsync of
/// the directory. Readers see the old or the new cache, never a torn one. Creates missing
/// parent directories (mode 0700); keeps an existing file's mode, else 0600.
tl::expected<void, std::string> save_inventory(const Inventory& inventory,
                                               const std::filesystem::path& path);

} // namespace breakglass::inventory
