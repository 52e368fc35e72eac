#include "playbooks/parameters.hpp"

#include <algorithm>
#include <map>

namespace breakglass::playbooks {

namespace {

constexpr std::size_t k_max_pattern = 256;
constexpr int k_max_counts = 2;
constexpr long k_max_count = 256;

// std::regex backtracks: a repeated group ("(a*)*", "(a|a)+") takes exponential time, and
// counted repetitions multiply the compiled automaton. Refuse both shapes up front.
tl::expected<void, std::string> check_complexity(std::string_view pattern) {
    int counts = 0;
    bool in_class = false;
    char previous = '\0';
    for (std::size_t at = 0; at < pattern.size(); ++at) {
        const char c = pattern[at];
        const char before = previous;
        previous = c; // an escaped character stays '\\' here: a literal, never a group's end
        if (c == '\\') {
            ++at;
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        in_class = c == '[';
        const bool quantifier = c == '*' || c == '+' || c == '?' || c == '{';
        if (quantifier && before == ')') {
            return tl::unexpected(std::string("repeats a group (exponential matching)"));
        }
        if (c != '{') {
            continue;
        }
        if (++counts > k_max_counts) {
            return tl::unexpected(std::string("more than two {n,m} counts"));
        }
        long number = 0;
        for (++at; at < pattern.size() && pattern[at] != '}'; ++at) {
            if (pattern[at] >= '0' && pattern[at] <= '9') {
                number = number * 10 + (pattern[at] - '0');
                if (number > k_max_count) {
                    return tl::unexpected(std::string("a count above 256"));
                }
            } else {
                number = 0;
            }
        }
        if (at == pattern.size()) {
            break;
        }
    }
    return {};
}

} // namespace

tl::expected<std::regex, std::string> compile_pattern(std::string_view pattern) {
    if (pattern.size() > k_max_pattern) {
        return tl::unexpected(std::string("longer than 256 bytes"));
    }
    if (pattern.size() < 2 || pattern.front() != '^' || pattern.back() != '$' ||
        pattern[pattern.size() - 2] == '\\') {
        return tl::unexpected(std::string("not anchored (must start with ^ and end with $)"));
    }
    if (auto counts = check_complexity(pattern); !counts) {
        return tl::unexpected(counts.error());
    }
    try {
        return std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
        return tl::unexpected(std::string("not a regular expression: ") + error.what());
    }
}

tl::expected<std::vector<BoundParam>, std::string>
bind_parameters(const Playbook& playbook, const std::vector<std::string>& assignments) {
    std::map<std::string, std::string> given;
    for (const std::string& assignment : assignments) {
        const std::size_t equals = assignment.find('=');
        if (equals == std::string::npos) {
            return tl::unexpected("--param '" + assignment + "' is not NAME=VALUE");
        }
        std::string name = assignment.substr(0, equals);
        const auto spec = std::find_if(playbook.params.begin(), playbook.params.end(),
                                       [&](const ParamSpec& param) { return param.name == name; });
        if (spec == playbook.params.end()) {
            return tl::unexpected("unknown parameter '" + name + "'");
        }
        if (!given.emplace(name, assignment.substr(equals + 1)).second) {
            return tl::unexpected("parameter '" + name + "' given twice");
        }
    }
    std::vector<BoundParam> bound;
    for (const ParamSpec& spec : playbook.params) {
        auto found = given.find(spec.name);
        if (found == given.end() && spec.required) {
            return tl::unexpected("missing required parameter '" + spec.name + "'");
        }
        const bool defaulted = found == given.end();
        std::string value = defaulted ? spec.default_value.value_or("") : found->second;
        if (defaulted && !spec.default_value) {
            bound.push_back({spec.name, std::move(value)});
            continue; // unset optional parameter: empty, not matched
        }
        if (value.size() > k_max_param_value) {
            return tl::unexpected("parameter '" + spec.name + "' is longer than 4096 bytes");
        }
        auto pattern = compile_pattern(spec.pattern);
        if (!pattern || !std::regex_match(value, *pattern)) {
            return tl::unexpected("parameter '" + spec.name + "' does not match its pattern " +
                                  spec.pattern);
        }
        bound.push_back({spec.name, std::move(value)});
    }
    return bound;
}

} // namespace breakglass::playbooks
