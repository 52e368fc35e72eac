#pragma once

#include "inventory/inventory.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// What the shared selection flags asked for. Empty fields select everything.
struct SelectionRequest {
    std::string selector;             // -l: Kubernetes label selector
    std::vector<std::string> nodes;   // -w: node sets, united
    std::vector<std::string> exclude; // -x: node sets removed afterwards
    std::optional<std::size_t> limit; // --limit: the first N that remain
};

/// Why a selection failed. `syntax` is the user's typing (a usage error, with a column);
/// `unknown_nodes` names -w/-x nodes the inventory lacks (a typo must not silently shrink or
/// widen what a responder acts on).
struct SelectionError {
    enum class Kind { syntax, unknown_nodes } kind = Kind::syntax;
    std::string message;
};

/// Indices into inventory.nodes of the selected nodes, in inventory order: nodes matching
/// the selector AND named by -w (any set), minus -x, then cut to --limit.
tl::expected<std::vector<std::size_t>, SelectionError>
select_nodes(const Inventory& inventory, const SelectionRequest& request);

} // namespace breakglass::inventory
