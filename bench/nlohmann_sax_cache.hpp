#pragma once

#include "inventory/inventory.hpp"

#include <cstddef>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::bench {

/// Loads the cache at `path` through nlohmann::json::sax_parse and a handler with the cache's
/// per-field rules (not the unique-name rule): the path the pull reader replaced, for comparison.
tl::expected<inventory::Inventory, std::string> load_with_nlohmann_sax(const std::string& path,
                                                                       std::size_t expected_nodes);

} // namespace breakglass::bench
