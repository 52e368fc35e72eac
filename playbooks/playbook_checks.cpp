#include "playbooks/playbook_checks.hpp"

#include "base/rfc3339.hpp"

#include <algorithm>

namespace breakglass::playbooks {

tl::expected<void, ValidityError> check_validity(const Playbook& playbook,
                                                 std::chrono::system_clock::time_point now) {
    if (now + k_clock_skew < playbook.issued_at) {
        return tl::unexpected(
            ValidityError{ValidityRefusal::not_yet_valid,
                          "not yet valid: issued_at " + base::format_rfc3339(playbook.issued_at) +
                              " is in the future (5 minutes of clock skew allowed)"});
    }
    if (now - k_clock_skew >= playbook.expires) {
        return tl::unexpected(ValidityError{ValidityRefusal::expired,
                                            "expired at " + base::format_rfc3339(playbook.expires) +
                                                " (5 minutes of clock skew allowed)"});
    }
    return {};
}

tl::expected<void, std::string> check_scope(const Playbook& playbook, std::string_view cluster) {
    if (std::find(playbook.clusters.begin(), playbook.clusters.end(), cluster) ==
        playbook.clusters.end()) {
        std::string allowed;
        for (const std::string& name : playbook.clusters) {
            allowed += (allowed.empty() ? "" : ", ") + name;
        }
        return tl::unexpected("inventory cluster '" + std::string(cluster) +
                              "' is not in scope.clusters (" + allowed + ")");
    }
    return {};
}

tl::expected<void, std::string> check_playbook_binding(const Playbook& playbook,
                                                       std::string_view expected) {
    if (playbook.name == expected) {
        return {};
    }
    return tl::unexpected("its signed metadata.name is '" + playbook.name +
                          "', but this command runs only '" + std::string(expected) + "'");
}

} // namespace breakglass::playbooks
