#pragma once

#include "inventory/kubectl_import.hpp"

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// Imports the lab fleet description written by `lab/fleet up` (fleet.json): every node with
/// its address, port and host key (pinned: the lab's description is its "captured while
/// healthy" source), user root, the lab's client key as identity. Labels, so selectors can be
/// exercised against the lab: kubernetes.io/hostname=NAME, kubernetes.io/os=linux,
/// lab.breakglass.dev/sshd=INDEX, and node-role.kubernetes.io/worker="" on even positions,
/// node-role.kubernetes.io/gpu="" on odd ones. Errors name the file and the node.
tl::expected<ImportResult, std::string> import_lab_fleet(const std::filesystem::path& path,
                                                         TimePoint captured_at);

} // namespace breakglass::inventory
