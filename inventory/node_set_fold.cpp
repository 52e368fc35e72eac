// fold_node_set(): the printing half of node sets, kept apart from parsing.
#include "inventory/node_set.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>

namespace breakglass::inventory {

namespace {

struct Split {
    std::string_view prefix;
    std::string_view digits;
    std::string_view suffix;
};

// Folding works on the last run of digits, as ClusterShell does for one-dimensional sets.
bool split_last_number(std::string_view name, Split& split) {
    std::size_t end = name.size();
    while (end > 0 && (name[end - 1] < '0' || name[end - 1] > '9')) {
        --end;
    }
    std::size_t begin = end;
    while (begin > 0 && name[begin - 1] >= '0' && name[begin - 1] <= '9') {
        --begin;
    }
    if (begin == end || end - begin > 18) {
        return false;
    }
    split = {name.substr(0, begin), name.substr(begin, end - begin), name.substr(end)};
    return true;
}

std::string format_number(std::uint64_t value, std::size_t width) {
    std::string digits = std::to_string(value);
    if (digits.size() < width) {
        digits.insert(0, width - digits.size(), '0');
    }
    return digits;
}

} // namespace

std::string fold_node_set(const std::vector<std::string_view>& names) {
    // (prefix, suffix) -> width -> values; width 0 means unpadded.
    std::map<std::pair<std::string_view, std::string_view>,
             std::map<std::size_t, std::vector<std::uint64_t>>>
        numbered;
    std::vector<std::string_view> plain;
    std::vector<std::pair<Split, std::uint64_t>> unpadded;
    for (std::string_view name : names) {
        Split split;
        if (!split_last_number(name, split)) {
            plain.push_back(name);
            continue;
        }
        std::uint64_t value = 0;
        std::from_chars(split.digits.data(), split.digits.data() + split.digits.size(), value);
        if (split.digits.size() > 1 && split.digits[0] == '0') {
            numbered[{split.prefix, split.suffix}][split.digits.size()].push_back(value);
        } else {
            unpadded.emplace_back(split, value);
        }
    }
    // "100" can join the padded group of "001-099": padding to 3 prints it unchanged.
    for (const auto& [split, value] : unpadded) {
        auto& widths = numbered[{split.prefix, split.suffix}];
        std::size_t home = 0;
        for (const auto& [width, values] : widths) {
            if (width != 0 && width <= split.digits.size()) {
                home = width;
            }
        }
        widths[home].push_back(value);
    }
    std::vector<std::string> parts;
    for (auto& [affixes, widths] : numbered) {
        for (auto& [width, values] : widths) {
            if (values.empty()) {
                continue;
            }
            std::sort(values.begin(), values.end());
            values.erase(std::unique(values.begin(), values.end()), values.end());
            std::string ranges;
            for (std::size_t i = 0; i < values.size();) {
                std::size_t j = i;
                while (j + 1 < values.size() && values[j + 1] == values[j] + 1) {
                    ++j;
                }
                ranges += (ranges.empty() ? "" : ",") + format_number(values[i], width);
                if (j > i) {
                    ranges += "-" + format_number(values[j], width);
                }
                i = j + 1;
            }
            const bool single = values.size() == 1;
            parts.push_back(std::string(affixes.first) + (single ? "" : "[") + ranges +
                            (single ? "" : "]") + std::string(affixes.second));
        }
    }
    std::sort(plain.begin(), plain.end());
    plain.erase(std::unique(plain.begin(), plain.end()), plain.end());
    for (std::string_view name : plain) {
        parts.emplace_back(name);
    }
    std::sort(parts.begin(), parts.end());
    std::string folded;
    for (const std::string& part : parts) {
        folded += (folded.empty() ? "" : ",") + part;
    }
    return folded;
}

} // namespace breakglass::inventory
