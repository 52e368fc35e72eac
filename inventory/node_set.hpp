#pragma once

#include "inventory/string_pool.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// One top-level element of a node set (`node0042`, `node[001-100]`, `gpu-*`), which the
/// selection judges on its own: a name given exactly must exist (a typo), a range may cover
/// names a fleet with gaps lacks, a pattern must match something.
struct NodeSetTerm {
    enum class Kind {
        exact,   // no brackets, no glob characters
        range,   // brackets, no glob characters
        pattern, // any `*` or `?`
    };
    Kind kind = Kind::exact;
    std::string text;               // as written, blanks trimmed
    std::vector<std::size_t> names; // indices into NodeSet::names (exact, range)
    std::vector<std::size_t> globs; // indices into NodeSet::globs (pattern)
};

/// A -w/-x node set once its ranges are expanded: exact names, and globs (`gpu-*`) that are
/// matched against inventory names.
struct NodeSet {
    std::vector<std::string> names; // in the order written, duplicates removed
    std::vector<std::string> globs;
    std::vector<NodeSetTerm> terms; // in the order written
    StringPool name_ids;            // `names` interned in order: a name's id is its index
};

/// A node-set syntax error with the 1-based column of the offending character.
struct NodeSetError {
    std::string message;
    std::size_t column = 0;
};

/// Parses ClusterShell's syntax: comma lists at top level, bracket ranges `node[001-100,205]`
/// (zero padding kept from the first bound, `/step` allowed), several bracket groups
/// (`rack[1-2]-n[1-4]`, all combinations) and `*`/`?` globs. Fails on unbalanced brackets,
/// descending or malformed ranges, ClusterShell operators we do not support (`!`, `&`, `^`,
/// `@group`), or more than `max_names` names once expanded.
tl::expected<NodeSet, NodeSetError> parse_node_set(std::string_view text,
                                                   std::size_t max_names = 1'000'000);

/// Folds names into the shortest node set ClusterShell would print: `node[0001-0003,0007]`,
/// groups sorted by prefix; parse_node_set() of the result gives the same names back.
std::string fold_node_set(const std::vector<std::string_view>& names);

} // namespace breakglass::inventory
