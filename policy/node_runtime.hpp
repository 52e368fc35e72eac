#pragma once

#include "config/settings.hpp"
#include "inventory/inventory.hpp"

#include <cstddef>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::policy {

/// Where one node's container runtime and kubelet are, as the DaemonSet playbooks' parameters
/// `runtime_socket` and `kubelet_unit` receive them (empty socket: the playbook looks at the
/// standard path, then k3s/RKE2's).
struct NodeRuntime {
    std::string socket;
    std::string unit;
    friend bool operator==(const NodeRuntime&, const NodeRuntime&) = default;
};

/// Why a node's runtime cannot be used: a value from the inventory (exit 3) or from a setting
/// (a flag: exit 2; the environment or config file: exit 4) that is not a socket path or unit
/// name. One line naming the node or the setting.
struct NodeRuntimeError {
    config::Source source = config::Source::built_in; // built_in: the inventory
    std::string message;
};

/// Each selected node's runtime, in selection order. For each of the two, the first that is
/// set wins: a `runtime_socket` / `kubelet_unit` setting given by a flag, the environment or a
/// config file (the responder's word for this run); the node's own inventory field; the
/// inventory's default; the setting's built-in default. Values from the inventory are checked
/// like the settings (containment::check_runtime_socket, check_kubelet_unit): they become
/// playbook parameters, and the inventory is not the playbook's signer.
tl::expected<std::vector<NodeRuntime>, NodeRuntimeError>
plan_node_runtimes(const config::Settings& settings, const inventory::Inventory& inventory,
                   const std::vector<std::size_t>& indices);

} // namespace breakglass::policy
