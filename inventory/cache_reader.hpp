#pragma once

#include "inventory/inventory.hpp"
#include "inventory/json_pull.hpp"

#include <cstddef>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Builds an Inventory from the events of `reader`, applying every per-field rule of the cache
/// format (unknown or repeated fields, types, IP addresses, label rules, host-key form, a newer
/// schema_version); errors name the node. Rules over the whole file (unique names) are the
/// caller's. `expected_nodes` only sizes the node vector up front.
tl::expected<Inventory, std::string> read_cache(JsonPullReader& reader, std::size_t expected_nodes);

} // namespace breakglass::inventory
