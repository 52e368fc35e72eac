#pragma once

#include "inventory/inventory.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// One requirement of a selector, as Kubernetes' apimachinery labels.Parse builds it.
struct Requirement {
    enum class Op { exists, not_exists, equals, not_equals, in, not_in, greater, less };
    std::string key;
    Op op = Op::exists;
    std::vector<std::string> values; // sorted, unique; one value for =, ==, !=, >, <
};

/// A selector error: what was found and expected, and where (1-based column of the offending
/// character in the selector text; one past the end for "end of string").
struct SelectorError {
    std::string message;
    std::size_t column = 0;
};

/// A parsed -l/--selector: requirements joined by AND; empty selects everything.
class LabelSelector {
public:
    /// Parses kubectl's syntax: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`,
    /// `k>5`, `k<5`, joined by commas; whitespace between tokens is ignored. Keys and values
    /// follow the Kubernetes label rules. Fails with the column of the offending character.
    static tl::expected<LabelSelector, SelectorError> parse(std::string_view text);

    const std::vector<Requirement>& requirements() const { return m_requirements; }

private:
    std::vector<Requirement> m_requirements;
};

/// A selector bound to one inventory's interned ids, so matching 50,000 nodes compares
/// integers. Valid while the inventory's label pools are unchanged.
class CompiledSelector {
public:
    CompiledSelector(const LabelSelector& selector, const Inventory& inventory);

    /// Whether `node` satisfies every requirement. Like Kubernetes, `!=` and `notin` also
    /// match nodes that lack the key; `>` and `<` match only integer values.
    bool matches(const Node& node) const;

private:
    struct Bound {
        std::optional<std::uint32_t> key; // nullopt: no node has the key
        Requirement::Op op;
        std::vector<std::uint32_t> values; // ids of the values some node has; sorted
        std::int64_t number = 0;           // for > and <
        const Inventory* inventory = nullptr;
    };
    std::vector<Bound> m_bound;
};

} // namespace breakglass::inventory
