#include "containment/daemonset_ref.hpp"

namespace breakglass::containment {

namespace {

bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// RFC 1123 label (namespaces): lower-case alphanumerics and '-', alphanumeric at both ends.
bool dns_label(std::string_view text) {
    if (text.empty() || text.size() > 63 || !lower_alnum(text.front()) ||
        !lower_alnum(text.back())) {
        return false;
    }
    for (char c : text) {
        if (!lower_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

// RFC 1123 subdomain (object names): dot-separated labels, at most 253 characters.
bool dns_subdomain(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    for (std::size_t start = 0;;) {
        const std::size_t dot = text.find('.', start);
        const std::string_view label = text.substr(start, dot - start);
        if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back())) {
            return false;
        }
        for (char c : label) {
            if (!lower_alnum(c) && c != '-') {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

} // namespace

tl::expected<DaemonSetRef, std::string> parse_daemonset_ref(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return tl::unexpected("'" + std::string(text) +
                              "' is not NAMESPACE/NAME (e.g. kube-system/telemetry-agent)");
    }
    const std::string_view name_space = text.substr(0, slash);
    const std::string_view name = text.substr(slash + 1);
    if (!dns_label(name_space)) {
        return tl::unexpected("namespace '" + std::string(name_space) +
                              "' is not a Kubernetes namespace (lower-case letters, digits and "
                              "'-', at most 63)");
    }
    if (!dns_subdomain(name)) {
        return tl::unexpected("name '" + std::string(name) +
                              "' is not a Kubernetes object name (lower-case letters, digits, "
                              "'-' and '.', at most 253)");
    }
    return DaemonSetRef{std::string(name_space), std::string(name)};
}

} // namespace breakglass::containment
