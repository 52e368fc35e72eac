#pragma once

#include "cli/fleet_output.hpp"

#include <chrono>
#include <cstddef>
#include <vector>

namespace breakglass::cli {

/// Keeps each node's result for a command that judges the run once it is over (the drill and
/// its exercise); prints nothing. A node the run never finished (the failure budget stopped the
/// rollout first, or a signal) keeps a default result, status error: never ok.
class CollectedOutput : public FleetOutput {
public:
    explicit CollectedOutput(std::size_t nodes) : m_results(nodes), m_finished(nodes, false) {}

    void on_output(std::size_t, std::string_view, bool) override {}
    void on_finished(std::size_t node, transport::NodeResult&& result) override {
        m_results[node] = std::move(result);
        m_finished[node] = true;
    }
    void finish(std::chrono::milliseconds elapsed) override { m_elapsed = elapsed; }
    /// Every node finished with status ok.
    bool all_ok() const override {
        for (std::size_t node = 0; node < m_results.size(); ++node) {
            if (!node_ok(node)) {
                return false;
            }
        }
        return true;
    }
    bool node_ok(std::size_t node) const override {
        return m_finished[node] && m_results[node].status == transport::NodeStatus::ok;
    }

    /// Node `node`'s result, in selection order.
    const transport::NodeResult& result(std::size_t node) const { return m_results[node]; }
    const std::vector<transport::NodeResult>& results() const { return m_results; }
    /// The whole run, first connection to last node (finish()'s argument).
    std::chrono::milliseconds elapsed() const { return m_elapsed; }

private:
    std::vector<transport::NodeResult> m_results;
    std::vector<bool> m_finished;
    std::chrono::milliseconds m_elapsed{0};
};

} // namespace breakglass::cli
