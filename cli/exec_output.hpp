#pragma once

#include "cli/fleet_output.hpp"
#include "transport/node_result.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::cli {

/// How `exec` shows results: streamed lines ("node: line"), gathered (-b: identical outputs
/// under one folded node set), one JSON document, or JSON lines as nodes finish.
enum class ExecFormat { stream, gather, json, jsonl };

/// The node facts output needs besides the transport result.
struct NodeLabel {
    std::string name;
    std::string address;
};

/// Writes what the user reads; owns nothing else. Machine formats carry schema_version 1 and
/// are documented in the man page (OUTPUT).
class ExecOutput final : public FleetOutput {
public:
    ExecOutput(ExecFormat format, std::vector<NodeLabel> nodes, std::string command,
               std::ostream& out, std::ostream& err, NodeSetFold fold = inventory::fold_node_set);

    /// Output as it arrives (stream format prints complete lines, prefixed).
    void on_output(std::size_t node, std::string_view data, bool is_stderr) override;
    /// A node finished; its result is kept only as far as the format needs it.
    void on_step_end(std::size_t node) override;
    void on_finished(std::size_t node, transport::NodeResult&& result) override;
    /// Everything finished: gathered output, JSON document, summary.
    void finish(std::chrono::milliseconds elapsed) override;

    /// True when every node ended ok.
    bool all_ok() const override;
    bool node_ok(std::size_t node) const override;

private:
    void print_summary();
    void flush_partial_line(std::size_t node, bool is_stderr);

    ExecFormat m_format;
    std::vector<NodeLabel> m_nodes;
    std::string m_command;
    std::ostream& m_out;
    std::ostream& m_err;
    NodeSetFold m_fold;
    std::vector<std::string> m_partial_out;
    std::vector<std::string> m_partial_err;
    std::vector<transport::NodeResult> m_results; // kept for gather/json and the summary
    std::vector<bool> m_finished;
    std::vector<std::string> m_stopped_at; // multi-step jobs: the step a node did not pass
};

} // namespace breakglass::cli
