#pragma once

#include "playbooks/playbook_format.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// Clock difference tolerated between the signer's and this machine's clocks.
inline constexpr std::chrono::seconds k_clock_skew{300};

/// Which end of the validity window a playbook is outside of.
enum class ValidityRefusal { not_yet_valid, expired };

/// Why check_validity refused: the kind to act on, the message to show.
struct ValidityError {
    ValidityRefusal kind = ValidityRefusal::expired;
    std::string message;
};

/// Refuses a playbook that is not yet valid (issued_at more than k_clock_skew after `now`) or
/// expired (expires more than k_clock_skew before `now`). Checked once, at the run's start.
tl::expected<void, ValidityError> check_validity(const Playbook& playbook,
                                                 std::chrono::system_clock::time_point now);

/// Refuses an inventory `cluster` that scope.clusters does not name (exact match).
tl::expected<void, std::string> check_scope(const Playbook& playbook, std::string_view cluster);

/// A shipped-action command (`daemonset freeze`, `kubelet release`) runs only the playbook whose
/// signed metadata.name is `expected`: a signed isolate renamed daemonset-status.json is still
/// isolate. The error names both names.
tl::expected<void, std::string> check_playbook_binding(const Playbook& playbook,
                                                       std::string_view expected);

} // namespace breakglass::playbooks
