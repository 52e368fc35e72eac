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
    bool strict = false;              // --strict-selection: a range may not cover missing names
};

/// The selected nodes, and one warning per range that covered names the inventory lacks
/// (a fleet with gaps: replaced and drained nodes).
struct Selection {
    std::vector<std::size_t> indices; // into inventory.nodes, in inventory order
    std::vector<std::string> warnings;
};

/// Why a selection failed. `syntax` is the user's typing (a usage error, with a column);
/// `unknown_nodes` is a -w/-x term the inventory contradicts: an exact name it lacks, a range or
/// pattern that matches none of its nodes, a -x range or pattern that excludes nothing, or
/// (strict) a range with missing names. A typo must not silently shrink or widen what a
/// responder acts on.
struct SelectionError {
    enum class Kind { syntax, unknown_nodes } kind = Kind::syntax;
    std::string message;
};

/// The nodes matching the selector AND named by -w (any set), minus -x, then cut to --limit.
/// Exact names must exist; a range selects the nodes it covers (a warning names the rest); a
/// range or pattern must match at least one node, and a -x one must exclude at least one node
/// that -l and -w selected.
tl::expected<Selection, SelectionError> select_nodes(const Inventory& inventory,
                                                     const SelectionRequest& request);

} // namespace breakglass::inventory
