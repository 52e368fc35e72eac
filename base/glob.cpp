#include "base/glob.hpp"

namespace breakglass::base {

bool glob_match(std::string_view pattern, std::string_view text) {
    // On a mismatch, let the last `*` swallow one more character and retry from there:
    // backtracking only to the last star keeps this polynomial, where OpenSSH's recursion is
    // exponential on patterns such as "*a*a*a*a*b".
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

ListMatch glob_match_list(std::string_view list, std::string_view text) {
    bool positive = false;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view pattern = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const bool negated = pattern.starts_with('!');
        if (negated) {
            pattern.remove_prefix(1);
        }
        if (glob_match(pattern, text)) {
            if (negated) {
                return ListMatch::negated;
            }
            positive = true;
        }
    }
    return positive ? ListMatch::positive : ListMatch::none;
}

} // namespace breakglass::base
