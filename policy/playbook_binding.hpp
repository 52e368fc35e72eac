#pragma once

#include "playbooks/playbook_format.hpp"

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::policy {

/// A shipped-action command (`daemonset freeze`, `kubelet release`) runs only the playbook whose
/// signed metadata.name is `expected`: a signed isolate renamed daemonset-status.json is still
/// isolate. The error names both names.
tl::expected<void, std::string> check_playbook_binding(const playbooks::Playbook& playbook,
                                                       std::string_view expected);

} // namespace breakglass::policy
