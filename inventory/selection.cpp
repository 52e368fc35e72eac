#include "inventory/selection.hpp"

#include "base/glob.hpp"
#include "inventory/label_selector.hpp"
#include "inventory/node_set.hpp"
#include "inventory/string_pool.hpp"

#include <string_view>

namespace breakglass::inventory {

namespace {

// A name of a node set that no node of the inventory has.
constexpr std::size_t k_absent = static_cast<std::size_t>(-1);

// Which node has each name of each set (k_absent: none); names are unique in an inventory, and
// were one repeated, its first node would count. One set (the usual single -w): one pass over
// the nodes, each looked up in the set's own index of names, which is cheaper than indexing
// 50,000 node names to look up a few. Several sets: the node names indexed once, each set's
// names looked up in it (a pass per set would cost sets x nodes).
std::vector<std::vector<std::size_t>> nodes_of_names(const Inventory& inventory,
                                                     const std::vector<NodeSet>& sets) {
    std::vector<std::vector<std::size_t>> nodes;
    nodes.reserve(sets.size());
    for (const NodeSet& set : sets) {
        nodes.emplace_back(set.names.size(), k_absent);
    }
    if (sets.size() == 1) {
        if (!sets[0].names.empty()) {
            for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
                const auto id = sets[0].name_ids.find(inventory.nodes[i].name);
                if (id && nodes[0][*id] == k_absent) {
                    nodes[0][*id] = i;
                }
            }
        }
        return nodes;
    }
    StringPool index; // ids in inventory order, so a name's first id is its first node
    index.reserve(inventory.nodes.size());
    std::vector<std::size_t> node_of_id;
    for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
        if (index.intern(inventory.nodes[i].name) == node_of_id.size()) {
            node_of_id.push_back(i);
        }
    }
    for (std::size_t s = 0; s < sets.size(); ++s) {
        for (std::size_t n = 0; n < sets[s].names.size(); ++n) {
            if (auto id = index.find(sets[s].names[n])) {
                nodes[s][n] = node_of_id[*id];
            }
        }
    }
    return nodes;
}

// A warning names at most this many missing nodes: a 100,000-name range over a sparse fleet
// must not print a page.
constexpr std::size_t k_missing_shown = 64;

SelectionError contradiction(std::string message) {
    return SelectionError{SelectionError::Kind::unknown_nodes, std::move(message)};
}

std::string describe_missing(std::vector<std::string_view> missing) {
    const std::size_t total = missing.size();
    if (total <= k_missing_shown) {
        return fold_node_set(missing);
    }
    missing.resize(k_missing_shown);
    return fold_node_set(missing) + " and " + std::to_string(total - k_missing_shown) + " more";
}

// The nodes one parsed -w or -x argument covers, term by term, with the rules of
// select_nodes(). `marks` collects the union over every argument of the flag.
class TermMarker {
public:
    TermMarker(const Inventory& inventory, const char* flag, bool strict,
               std::vector<std::string>& warnings)
        : m_inventory(inventory), m_flag(flag), m_strict(strict), m_warnings(warnings) {}

    // Marks every node `set` covers in `marks`; each term's own nodes go to `term_marks`.
    // `node_of_name`: which node has each of the set's names (nodes_of_names()).
    tl::expected<void, SelectionError> mark(const NodeSet& set,
                                            const std::vector<std::size_t>& node_of_name,
                                            std::vector<bool>& marks,
                                            std::vector<std::vector<std::size_t>>& term_nodes) {
        std::vector<std::string_view> unknown;
        for (const NodeSetTerm& term : set.terms) {
            std::vector<std::size_t> covered;
            std::vector<std::string_view> missing;
            if (term.kind == NodeSetTerm::Kind::pattern) {
                for (std::size_t i = 0; i < m_inventory.nodes.size(); ++i) {
                    for (std::size_t glob : term.globs) {
                        if (base::glob_match(set.globs[glob], m_inventory.nodes[i].name)) {
                            covered.push_back(i);
                            break;
                        }
                    }
                }
            } else {
                for (std::size_t name : term.names) {
                    if (node_of_name[name] != k_absent) {
                        covered.push_back(node_of_name[name]);
                    } else {
                        missing.push_back(set.names[name]);
                    }
                }
            }
            if (term.kind == NodeSetTerm::Kind::exact) {
                unknown.insert(unknown.end(), missing.begin(), missing.end());
            } else if (covered.empty()) {
                return tl::unexpected(contradiction(std::string(m_flag) + " " + term.text +
                                                    " matches no node in the inventory"));
            } else if (!missing.empty()) {
                const std::size_t total = covered.size() + missing.size();
                std::string line = std::string(m_flag) + " " + term.text + ": " +
                                   std::to_string(covered.size()) + " of " + std::to_string(total) +
                                   " names in the inventory; missing " + describe_missing(missing);
                if (m_strict) {
                    return tl::unexpected(contradiction(line + " (--strict-selection)"));
                }
                m_warnings.push_back(std::move(line));
            }
            for (std::size_t i : covered) {
                marks[i] = true;
            }
            term_nodes.push_back(term.kind == NodeSetTerm::Kind::exact ? std::vector<std::size_t>{}
                                                                       : std::move(covered));
        }
        if (!unknown.empty()) {
            return tl::unexpected(
                contradiction(std::string(m_flag) +
                              " names nodes not in the inventory: " + fold_node_set(unknown)));
        }
        return {};
    }

private:
    const Inventory& m_inventory;
    const char* m_flag;
    bool m_strict;
    std::vector<std::string>& m_warnings;
};

// What one flag's arguments mark: the union, and per range or pattern term, its own nodes and
// text (for -x's "excludes nothing" rule). No arguments, no marks (an empty vector).
struct Marked {
    std::vector<bool> nodes;
    std::vector<std::vector<std::size_t>> term_nodes;
    std::vector<const NodeSetTerm*> terms;
    std::vector<NodeSet> sets; // owns what `terms` points into
};

tl::expected<Marked, SelectionError> mark(const Inventory& inventory,
                                          const std::vector<std::string>& texts, const char* flag,
                                          bool strict, std::vector<std::string>& warnings) {
    Marked marked;
    if (texts.empty()) {
        return marked;
    }
    for (const std::string& text : texts) {
        auto set = parse_node_set(text);
        if (!set) {
            return tl::unexpected(SelectionError{SelectionError::Kind::syntax,
                                                 std::string(flag) + " '" + text + "', column " +
                                                     std::to_string(set.error().column) + ": " +
                                                     set.error().message});
        }
        marked.sets.push_back(std::move(*set));
    }
    marked.nodes.assign(inventory.nodes.size(), false);
    const std::vector<std::vector<std::size_t>> node_of_name =
        nodes_of_names(inventory, marked.sets);
    TermMarker marker(inventory, flag, strict, warnings);
    for (std::size_t s = 0; s < marked.sets.size(); ++s) {
        const NodeSet& set = marked.sets[s];
        if (auto done = marker.mark(set, node_of_name[s], marked.nodes, marked.term_nodes); !done) {
            return tl::unexpected(done.error());
        }
        for (const NodeSetTerm& term : set.terms) {
            marked.terms.push_back(&term);
        }
    }
    return marked;
}

} // namespace

tl::expected<Selection, SelectionError> select_nodes(const Inventory& inventory,
                                                     const SelectionRequest& request) {
    auto selector = LabelSelector::parse(request.selector);
    if (!selector) {
        return tl::unexpected(SelectionError{SelectionError::Kind::syntax,
                                             "-l '" + request.selector + "', column " +
                                                 std::to_string(selector.error().column) + ": " +
                                                 selector.error().message});
    }
    Selection selection;
    const auto wanted = mark(inventory, request.nodes, "-w", request.strict, selection.warnings);
    if (!wanted) {
        return tl::unexpected(wanted.error());
    }
    const auto excluded =
        mark(inventory, request.exclude, "-x", request.strict, selection.warnings);
    if (!excluded) {
        return tl::unexpected(excluded.error());
    }
    const CompiledSelector compiled(*selector, inventory);
    // Before -x: what -l and -w chose, so that an exclusion which removes nothing is caught.
    std::vector<bool> chosen(inventory.nodes.size(), false);
    for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
        chosen[i] =
            (wanted->nodes.empty() || wanted->nodes[i]) && compiled.matches(inventory.nodes[i]);
    }
    for (std::size_t t = 0; t < excluded->terms.size(); ++t) {
        const NodeSetTerm& term = *excluded->terms[t];
        if (term.kind == NodeSetTerm::Kind::exact) {
            continue;
        }
        bool removes = false;
        for (std::size_t i : excluded->term_nodes[t]) {
            removes = removes || chosen[i];
        }
        if (!removes) {
            return tl::unexpected(contradiction(
                "-x " + term.text + " excludes nothing: none of its nodes is selected"));
        }
    }
    for (std::size_t i = 0; i < inventory.nodes.size(); ++i) {
        if (request.limit && selection.indices.size() >= *request.limit) {
            break;
        }
        if (chosen[i] && (excluded->nodes.empty() || !excluded->nodes[i])) {
            selection.indices.push_back(i);
        }
    }
    return selection;
}

} // namespace breakglass::inventory
