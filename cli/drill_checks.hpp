#pragma once

#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "drill/local_checks.hpp"

#include <chrono>
#include <vector>

namespace breakglass::cli {

/// The drill's checks on this machine (files only, no node): judged in drill/.

/// The inventory the drill selected from: age, signature, its signer's valid-before, and how
/// many of the selected nodes have a pinned host key.
drill::InventoryCheck check_inventory(const config::Settings& settings, const SelectedFleet& fleet);

/// Every line of the allowed_signers setting's file (empty when it cannot be read: the
/// inventory and playbook checks then name that).
std::vector<drill::SignerCheck> check_signers(const config::Settings& settings);

/// Every playbook an incident could run, verified now for `cluster`: each *.json in the
/// configured directories (the playbooks setting, /etc/breakglass/playbooks), and each shipped
/// playbook (the DaemonSet actions, kubelet-release, drill-readiness) as the commands find it
/// (find_shipped_playbook), "not found" when they would not. Nothing is recorded (no version
/// state is written).
std::vector<drill::PlaybookCheck> check_playbooks(const config::Settings& settings,
                                                  const std::string& cluster,
                                                  std::chrono::system_clock::time_point now);

} // namespace breakglass::cli
