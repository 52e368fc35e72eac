#pragma once

#include "playbooks/playbook_format.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// Clock difference tolerated between the signer's and this machine's clocks.
inline constexpr std::chrono::seconds k_clock_skew{300};

/// Refuses a playbook that is not yet valid (issued_at more than k_clock_skew after `now`) or
/// expired (expires more than k_clock_skew before `now`). Checked once, at the run's start.
tl::expected<void, std::string> check_validity(const Playbook& playbook,
                                               std::chrono::system_clock::time_point now);

/// Refuses an inventory `cluster` that scope.clusters does not name (exact match).
tl::expected<void, std::string> check_scope(const Playbook& playbook, std::string_view cluster);

} // namespace breakglass::playbooks
