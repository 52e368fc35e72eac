#include "playbooks/pattern_match.hpp"

namespace breakglass::playbooks {

bool match_pattern(std::string_view text, std::string_view pattern) {
    // Linear-time wildcard matching: on a mismatch, retry from the last `*` one character later
    // (recursion as in OpenSSH would be exponential on hostile patterns).
    std::size_t t = 0;
    std::size_t p = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++t;
            ++p;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

ListMatch match_pattern_list(std::string_view text, std::string_view list) {
    bool positive = false;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view pattern = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const bool negated = pattern.starts_with('!');
        if (negated) {
            pattern.remove_prefix(1);
        }
        if (match_pattern(text, pattern)) {
            if (negated) {
                return ListMatch::negated;
            }
            positive = true;
        }
    }
    return positive ? ListMatch::positive : ListMatch::none;
}

} // namespace breakglass::playbooks
