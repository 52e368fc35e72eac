#include "inventory/label_syntax.hpp"

namespace breakglass::inventory {

namespace {

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The shared shape of label names and values: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
bool is_qualified_part(std::string_view text) {
    if (text.empty() || !is_alnum(text.front()) || !is_alnum(text.back())) {
        return false;
    }
    for (char c : text) {
        if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return true;
}

// RFC 1123 subdomain: lower-case labels [a-z0-9]([-a-z0-9]*[a-z0-9])? joined by dots.
bool is_dns_subdomain(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t dot = text.find('.', start);
        if (dot == std::string_view::npos) {
            dot = text.size();
        }
        const std::string_view part = text.substr(start, dot - start);
        if (part.empty() || part.front() == '-' || part.back() == '-') {
            return false;
        }
        for (char c : part) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        start = dot + 1;
    }
    return true;
}

const char* const k_shape = "must be alphanumeric characters, '-', '_' or '.', starting and "
                            "ending with an alphanumeric character";

} // namespace

std::optional<std::string> label_key_problem(std::string_view key) {
    std::string_view name = key;
    if (const std::size_t slash = key.find('/'); slash != std::string_view::npos) {
        const std::string_view prefix = key.substr(0, slash);
        name = key.substr(slash + 1);
        if (!is_dns_subdomain(prefix)) {
            return "label key '" + std::string(key) +
                   "': the prefix must be a lower-case DNS subdomain of at most 253 characters";
        }
    }
    if (name.empty()) {
        return "label key '" + std::string(key) + "': the name part must not be empty";
    }
    if (name.size() > 63) {
        return "label key '" + std::string(key) + "': the name part must be at most 63 characters";
    }
    if (!is_qualified_part(name)) {
        return "label key '" + std::string(key) + "': the name part " + k_shape;
    }
    return std::nullopt;
}

std::optional<std::string> label_value_problem(std::string_view value) {
    if (value.empty()) {
        return std::nullopt;
    }
    if (value.size() > 63) {
        return "label value '" + std::string(value) + "' must be at most 63 characters";
    }
    if (!is_qualified_part(value)) {
        return "label value '" + std::string(value) + "' " + k_shape;
    }
    return std::nullopt;
}

} // namespace breakglass::inventory
