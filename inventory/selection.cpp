#include "inventory/selection.hpp"

#include "inventory/label_selector.hpp"
#include "inventory/node_set.hpp"
#include "inventory/string_pool.hpp"

#include <string_view>

namespace breakglass::inventory {

namespace {

// Node names interned in inventory order: names are unique, so a name's id is its index.
using NameIndex = StringPool;

// Marks the nodes a list of node sets names; no sets, no marks (an empty vector). Unknown
// exact names are collected, not skipped.
tl::expected<std::vector<bool>, SelectionError> mark(const Inventory& inventory,
                                                     const NameIndex& index,
                                                     const std::vector<std::string>& sets,
                                                     const char* flag) {
    if (sets.empty()) {
        return std::vector<bool>{};
    }
    std::vector<bool> marked(inventory.nodes.size(), false);
    std::vector<std::string_view> unknown;
    std::vector<NodeSet> parsed;
    for (const std::string& text : sets) {
        auto set = parse_node_set(text);
        if (!set) {
            return tl::unexpected(SelectionError{SelectionError::Kind::syntax,
                                                 std::string(flag) + " '" + text + "', column " +
                                                     std::to_string(set.error().column) + ": " +
                                                     set.error().message});
        }
        parsed.push_back(std::move(*set));
    }
    for (const NodeSet& set : parsed) {
        for (const std::string& name : set.names) {
            if (auto found = index.find(name)) {
                marked[*found] = true;
            } else {
                unknown.push_back(name);
            }
        }
        if (set.globs.empty()) {
            continue;
        }
        for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
            for (const std::string& glob : set.globs) {
                if (!marked[i] && glob_match(glob, inventory.nodes[i].name)) {
                    marked[i] = true;
                }
            }
        }
    }
    if (!unknown.empty()) {
        return tl::unexpected(
            SelectionError{SelectionError::Kind::unknown_nodes, std::string(flag) +
                                                                    " names nodes not in the "
                                                                    "inventory: " +
                                                                    fold_node_set(unknown)});
    }
    return marked;
}

} // namespace

tl::expected<std::vector<std::size_t>, SelectionError>
select_nodes(const Inventory& inventory, const SelectionRequest& request) {
    auto selector = LabelSelector::parse(request.selector);
    if (!selector) {
        return tl::unexpected(SelectionError{SelectionError::Kind::syntax,
                                             "-l '" + request.selector + "', column " +
                                                 std::to_string(selector.error().column) + ": " +
                                                 selector.error().message});
    }
    NameIndex index;
    if (!request.nodes.empty() || !request.exclude.empty()) {
        for (const Node& node : inventory.nodes) {
            index.intern(node.name);
        }
    }
    const auto wanted = mark(inventory, index, request.nodes, "-w");
    if (!wanted) {
        return tl::unexpected(wanted.error());
    }
    const auto excluded = mark(inventory, index, request.exclude, "-x");
    if (!excluded) {
        return tl::unexpected(excluded.error());
    }
    const CompiledSelector compiled(*selector, inventory);
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
        if (request.limit && selected.size() >= *request.limit) {
            break;
        }
        if ((!wanted->empty() && !(*wanted)[i]) || (!excluded->empty() && (*excluded)[i])) {
            continue;
        }
        if (compiled.matches(inventory.nodes[i])) {
            selected.push_back(i);
        }
    }
    return selected;
}

} // namespace breakglass::inventory
