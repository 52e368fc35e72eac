#include "inventory/node_set.hpp"

#include "inventory/string_pool.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace breakglass::inventory {

namespace {

struct Piece {
    std::string literal;              // used when `choices` is empty
    std::vector<std::string> choices; // a bracket group, already formatted with padding
};

std::string padded(std::uint64_t value, std::size_t width) {
    std::string digits = std::to_string(value);
    if (digits.size() < width) {
        digits.insert(0, width - digits.size(), '0');
    }
    return digits;
}

bool all_digits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view text, std::size_t& offset) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
        ++offset;
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

class Parser {
public:
    Parser(std::string_view text, std::size_t max_names) : m_text(text), m_max(max_names) {}

    tl::expected<NodeSet, NodeSetError> parse() {
        std::size_t depth = 0;
        std::size_t start = 0;
        for (std::size_t at = 0; at <= m_text.size(); ++at) {
            const char c = at < m_text.size() ? m_text[at] : ',';
            if (c == '[') {
                if (++depth > 1) {
                    return fail(at, "nested '['");
                }
            } else if (c == ']') {
                if (depth == 0) {
                    return fail(at, "']' without '['");
                }
                --depth;
            } else if (c == ',' && depth == 0) {
                if (auto added = element(start, at); !added) {
                    return tl::unexpected(added.error());
                }
                start = at + 1;
            }
        }
        if (depth != 0) {
            return fail(m_text.rfind('['), "'[' is never closed");
        }
        m_result.name_ids = std::move(m_seen_names);
        return std::move(m_result);
    }

private:
    tl::unexpected<NodeSetError> fail(std::size_t at, std::string message) const {
        return tl::unexpected(NodeSetError{std::move(message), at + 1});
    }

    tl::expected<void, NodeSetError> element(std::size_t begin, std::size_t end) {
        std::size_t offset = begin;
        const std::string_view text = trim(m_text.substr(begin, end - begin), offset);
        if (text.empty()) {
            return {}; // "a,,b" and a trailing comma add nothing, as in ClusterShell
        }
        std::vector<Piece> pieces;
        std::size_t at = 0;
        while (at < text.size()) {
            const char c = text[at];
            if (c == '[') {
                const std::size_t close = text.find(']', at);
                auto group = range_group(text.substr(at + 1, close - at - 1), offset + at + 1);
                if (!group) {
                    return tl::unexpected(group.error());
                }
                pieces.push_back(Piece{{}, std::move(*group)});
                at = close + 1;
                continue;
            }
            if (c == ' ' || c == '\t') {
                return fail(offset + at, "space inside a node name");
            }
            if (c == '!' || c == '&' || c == '^' || c == '@') {
                return fail(offset + at, std::string("'") + c +
                                             "' (ClusterShell set operators and groups) is not "
                                             "supported; use -x to exclude nodes");
            }
            if (pieces.empty() || !pieces.back().choices.empty()) {
                pieces.emplace_back();
            }
            pieces.back().literal += c;
            ++at;
        }
        const bool bracketed = std::any_of(pieces.begin(), pieces.end(), [](const Piece& piece) {
            return !piece.choices.empty();
        });
        return expand(pieces, offset, std::string(text), bracketed);
    }

    // "001-100,205,7-9/2" inside brackets.
    tl::expected<std::vector<std::string>, NodeSetError> range_group(std::string_view body,
                                                                     std::size_t offset) {
        std::vector<std::string> values;
        if (body.empty()) {
            return fail(offset, "empty '[]'");
        }
        std::size_t start = 0;
        while (start <= body.size()) {
            std::size_t comma = body.find(',', start);
            if (comma == std::string_view::npos) {
                comma = body.size();
            }
            std::size_t range_offset = offset + start;
            const std::string_view range = trim(body.substr(start, comma - start), range_offset);
            if (auto added = add_range(range, range_offset, values); !added) {
                return tl::unexpected(added.error());
            }
            start = comma + 1;
        }
        return values;
    }

    tl::expected<void, NodeSetError> add_range(std::string_view range, std::size_t offset,
                                               std::vector<std::string>& values) {
        std::uint64_t step = 1;
        if (const std::size_t slash = range.find('/'); slash != std::string_view::npos) {
            const std::string_view step_text = range.substr(slash + 1);
            if (!all_digits(step_text) || !read(step_text, step) || step == 0) {
                return fail(offset + slash + 1, "the step after '/' must be a positive number");
            }
            range = range.substr(0, slash);
        }
        const std::size_t dash = range.find('-');
        std::size_t first_offset = offset;
        std::size_t last_offset = offset + dash + 1;
        const std::string_view first = trim(range.substr(0, dash), first_offset);
        const std::string_view last =
            dash == std::string_view::npos ? first : trim(range.substr(dash + 1), last_offset);
        if (!all_digits(first)) {
            return fail(first_offset, "expected a number or a range such as 001-100");
        }
        if (!all_digits(last)) {
            return fail(last_offset, "expected a number after '-'");
        }
        std::uint64_t low = 0;
        std::uint64_t high = 0;
        if (!read(first, low) || !read(last, high)) {
            return fail(offset, "number too large");
        }
        if (high < low) {
            return fail(offset, "range " + std::string(range) + " goes down");
        }
        // ClusterShell keeps the padding of a zero-padded first bound: 08-10 is 08, 09, 10.
        const std::size_t width = first.size() > 1 && first[0] == '0' ? first.size() : 0;
        if ((high - low) / step >= m_max) {
            return fail(offset, "range " + std::string(range) + " has too many names");
        }
        for (std::uint64_t value = low; value <= high; value += step) {
            values.push_back(padded(value, width));
        }
        return {};
    }

    static bool read(std::string_view text, std::uint64_t& value) {
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        return error == std::errc{} && end == text.data() + text.size();
    }

    tl::expected<void, NodeSetError> expand(const std::vector<Piece>& pieces, std::size_t offset,
                                            std::string text, bool bracketed) {
        std::vector<std::string> names{""};
        for (const Piece& piece : pieces) {
            if (piece.choices.empty()) {
                for (std::string& name : names) {
                    name += piece.literal;
                }
                continue;
            }
            if (names.size() * piece.choices.size() + m_count > m_max) {
                return fail(offset, "the node set expands to more than " + std::to_string(m_max) +
                                        " names");
            }
            std::vector<std::string> grown;
            grown.reserve(names.size() * piece.choices.size());
            for (const std::string& name : names) {
                for (const std::string& choice : piece.choices) {
                    grown.push_back(name + choice);
                }
            }
            names = std::move(grown);
        }
        // Glob characters come from literals only, so every expanded name of an element is a
        // glob or none is.
        const bool glob = text.find_first_of("*?") != std::string::npos;
        NodeSetTerm term{glob        ? NodeSetTerm::Kind::pattern
                         : bracketed ? NodeSetTerm::Kind::range
                                     : NodeSetTerm::Kind::exact,
                         std::move(text),
                         {},
                         {}};
        StringPool& seen = glob ? m_seen_globs : m_seen_names;
        std::vector<std::string>& kept = glob ? m_result.globs : m_result.names;
        std::vector<std::size_t>& indices = glob ? term.globs : term.names;
        indices.reserve(names.size());
        // Room up front: a 30,000-name range grown by doubling allocated twice what it kept.
        if (kept.capacity() < kept.size() + names.size()) { // still doubling: many small terms
            kept.reserve(std::max(kept.size() + names.size(), kept.capacity() * 2));
        }
        seen.reserve(seen.size() + names.size());
        for (std::string& name : names) {
            const std::size_t before = seen.size();
            // Interned in order, so a name's id is its index in `kept`.
            const std::size_t id = seen.intern(name);
            indices.push_back(id);
            if (id < before) {
                continue;
            }
            kept.push_back(std::move(name));
            ++m_count;
        }
        m_result.terms.push_back(std::move(term));
        return {};
    }

    std::string_view m_text;
    std::size_t m_max;
    std::size_t m_count = 0;
    NodeSet m_result;
    StringPool m_seen_names;
    StringPool m_seen_globs;
};

} // namespace

tl::expected<NodeSet, NodeSetError> parse_node_set(std::string_view text, std::size_t max_names) {
    return Parser(text, max_names).parse();
}

} // namespace breakglass::inventory
