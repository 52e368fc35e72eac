#pragma once

#include "inventory/inventory.hpp"

#include <filesystem>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Reads the cache at `path` in one streamed pass (no JSON document is kept). Strict: unknown
/// fields, a newer schema_version, duplicate node names, a missing or non-IP address, bad
/// labels or host keys are errors naming the file and the nodes concerned.
tl::expected<Inventory, std::string> load_inventory(const std::filesystem::path& path);

/// The same rules applied to cache text already in memory (imports and tests).
tl::expected<Inventory, std::string> parse_inventory(std::string_view text);

} // namespace breakglass::inventory
