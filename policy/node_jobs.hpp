#pragma once

#include "playbooks/playbook_format.hpp"
#include "playbooks/render.hpp"
#include "policy/node_runtime.hpp"
#include "transport/node_session.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::policy {

/// Which runtime parameters a shipped DaemonSet playbook takes.
struct RuntimeParams {
    bool socket = true; // runtime_socket
    bool unit = false;  // kubelet_unit (the playbooks that touch the kubelet)
};

/// The job a node runs for rendered playbook steps.
transport::NodeJob job_of(const std::vector<playbooks::RenderedStep>& steps);

/// A node whose own runtime values the playbook refuses (its parameter patterns).
struct NodeJobError {
    std::size_t node = 0; // index into `runtimes`
    std::string message;  // bind_parameters' one line
};

/// The jobs of the nodes whose runtime differs from the run's (`run_runtime`, which the run's
/// job carries) in a parameter `which` names: the playbook bound with `assignments` plus the
/// node's runtime parameters, rendered once per distinct runtime and shared by the nodes that
/// have it. One entry per node of `runtimes`, null for a node that runs the run's job; empty
/// when every node does. A node's values are checked by the playbook's own patterns: the
/// inventory they come from is not the playbook's signer.
tl::expected<std::vector<std::shared_ptr<const transport::NodeJob>>, NodeJobError>
node_jobs(const playbooks::Playbook& playbook, const std::vector<std::string>& assignments,
          const std::vector<NodeRuntime>& runtimes, const NodeRuntime& run_runtime,
          RuntimeParams which);

/// The playbook parameters ("runtime_socket=...", "kubelet_unit=...") of `runtime` that `which`
/// names and that differ from the built-in defaults (containment::runtime_params).
std::vector<std::string> runtime_assignments(const NodeRuntime& runtime, RuntimeParams which);

} // namespace breakglass::policy
