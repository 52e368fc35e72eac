#pragma once

#include "inventory/node_set.hpp"
#include "transport/node_result.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::cli {

/// How output folds node names into one node set (summaries, gathered groups). Outputs default
/// to inventory::fold_node_set, the syntax -w reads back; a test may pass a plainer one.
using NodeSetFold = std::function<std::string(const std::vector<std::string_view>&)>;

/// Receives a fleet run's events and prints them: exec's output (ExecOutput) or a command's
/// own report (e.g. DaemonSetOutput). Called from the run's one thread.
class FleetOutput {
public:
    FleetOutput() = default;
    FleetOutput(const FleetOutput&) = delete;
    FleetOutput& operator=(const FleetOutput&) = delete;
    virtual ~FleetOutput() = default;

    /// Output as it arrives from node `node` (index into the selection).
    virtual void on_output(std::size_t node, std::string_view data, bool is_stderr) = 0;
    /// One step of a node's job ended (a line it left unfinished is complete now).
    virtual void on_step_end(std::size_t node) { static_cast<void>(node); }
    /// A node finished.
    virtual void on_finished(std::size_t node, transport::NodeResult&& result) = 0;
    /// Every node finished: summaries, JSON documents.
    virtual void finish(std::chrono::milliseconds elapsed) = 0;
    /// True when every node ended as the command wants (exit 0), else exit 1.
    virtual bool all_ok() const = 0;
    /// True when node `node`, finished, ended as the command wants: what the failure budget
    /// counts as success.
    virtual bool node_ok(std::size_t node) const = 0;
};

} // namespace breakglass::cli
