#pragma once

#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace breakglass::playbooks {

/// One step as a node receives it.
struct RenderedStep {
    std::string name;    // the step's name; "verify" for the verify step
    std::string script;  // prologue (set -eu, one name='value' line per parameter) + run text
    std::string command; // what the SSH channel executes: sh -euc '<script>'
    std::optional<std::chrono::milliseconds> timeout; // unset: the run's timeout setting
    bool become = false; // the transport wraps `command` with the node's become command
};

/// The scripts of every step, then verify, in order. Values are never spliced into the run
/// text: each is a single-quoted assignment in the prologue, so scripts read "$name".
std::vector<RenderedStep> render_steps(const Playbook& playbook,
                                       const std::vector<BoundParam>& params);

} // namespace breakglass::playbooks
