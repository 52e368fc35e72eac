#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::containment {

/// NAMESPACE/NAME of a DaemonSet, both checked as Kubernetes names before anything is sent.
struct DaemonSetRef {
    std::string name_space; // DNS-1123 label, at most 63 characters
    std::string name;       // DNS-1123 subdomain, at most 253 characters

    std::string text() const { return name_space + "/" + name; }
};

/// Parses "NAMESPACE/NAME"; the error is one line saying which part is wrong and why.
tl::expected<DaemonSetRef, std::string> parse_daemonset_ref(std::string_view text);

} // namespace breakglass::containment
