#include "inventory/node_list.hpp"

#include "inventory/cache_format.hpp"

#include <algorithm>
#include <unordered_set>

namespace breakglass::inventory {

tl::expected<std::vector<std::string>, std::string> parse_node_list(std::string_view text) {
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
        while (!line.empty() && blank(line.front())) {
            line.remove_prefix(1);
        }
        while (!line.empty() && blank(line.back())) {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (auto problem = node_name_problem(line)) {
            return tl::unexpected("line " + std::to_string(line_number) + ": " + *problem);
        }
        if (seen.insert(std::string(line)).second) {
            names.emplace_back(line);
        }
    }
    return names;
}

std::string format_node_list(const std::vector<std::string>& names,
                             const std::vector<std::string>& comment) {
    std::string text;
    for (const std::string& line : comment) {
        text += "# " + line + '\n';
    }
    for (const std::string& name : names) {
        text += name + '\n';
    }
    return text;
}

} // namespace breakglass::inventory
