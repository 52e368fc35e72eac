#pragma once

#include "transport/node_session.hpp"

#include <string>

namespace breakglass::policy {

/// What a node is sent, as one SHA-256 in hex (the audit log's `job_sha256`): every step's
/// name, become, timeout and command in order, each length-prefixed so that no two different
/// jobs concatenate to the same bytes. A node with a job of its own (its own runtime socket,
/// say) gets another digest than the run's job.
std::string job_sha256(const transport::NodeJob& job);

} // namespace breakglass::policy
