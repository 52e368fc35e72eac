// libFuzzer target: -l selectors and -w node sets. Input: a selector, a newline, a node set.
// Beyond "no crash": a node set that parses folds back into a node set naming the same nodes.

#include "inventory/label_selector.hpp"
#include "inventory/node_set.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view selector = input.substr(0, newline);
    const std::string_view nodes =
        newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

    auto parsed = breakglass::inventory::LabelSelector::parse(selector);
    if (!parsed && parsed.error().column > selector.size() + 1) {
        std::abort(); // a column must point into the text or just past it
    }
    auto set = breakglass::inventory::parse_node_set(nodes, 10'000);
    if (!set) {
        return 0;
    }
    std::vector<std::string_view> names(set->names.begin(), set->names.end());
    const std::string folded = breakglass::inventory::fold_node_set(names);
    auto round_trip = breakglass::inventory::parse_node_set(folded, 10'000);
    if (!round_trip || !round_trip->globs.empty()) {
        std::abort();
    }
    std::vector<std::string> expected = set->names;
    std::vector<std::string> got = round_trip->names;
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    if (expected != got) {
        std::abort();
    }
    return 0;
}
