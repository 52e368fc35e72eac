#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::containment {

// Where the DaemonSet playbooks find the runtime and the kubelet on a node: the settings
// runtime_socket and kubelet_unit, passed to the playbooks as parameters (data in the script's
// prologue, never code) and checked again there (playbooks/lib/daemonset_match.sh).

/// The kubelet's unit where the setting is not given.
inline constexpr std::string_view k_default_kubelet_unit = "kubelet";

/// runtime_socket: empty (look at /run/containerd/containerd.sock, then
/// /run/k3s/containerd/containerd.sock), or an absolute path of [A-Za-z0-9._/-], no `.`, `..`
/// or empty component, at most 200 characters. The error is one line.
tl::expected<void, std::string> check_runtime_socket(std::string_view path);

/// kubelet_unit: [A-Za-z0-9][A-Za-z0-9_.@-]*, at most 100 characters (kubelet, k3s-agent,
/// rke2-agent, kubelet.service). The error is one line.
tl::expected<void, std::string> check_kubelet_unit(std::string_view unit);

/// The playbook parameters ("runtime_socket=...", "kubelet_unit=...") for the values that
/// differ from the defaults, so that a signed playbook older than these parameters still runs
/// with the defaults. kubelet_unit only when WITH_UNIT (the playbooks that touch the kubelet).
std::vector<std::string> runtime_params(std::string_view socket, std::string_view unit,
                                        bool with_unit);

} // namespace breakglass::containment
