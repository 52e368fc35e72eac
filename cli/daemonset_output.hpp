#pragma once

#include "cli/exec_output.hpp"
#include "cli/fleet_output.hpp"
#include "containment/actions.hpp"
#include "containment/daemonset_ref.hpp"
#include "containment/node_report.hpp"
#include "containment/outcome.hpp"

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

enum class DaemonSetFormat { human, json, jsonl };

/// "json", "jsonl", else human (the -o values add_playbook_run_flags allows).
DaemonSetFormat daemonset_format(const std::string& output);

/// Prints `breakglass daemonset ACTION` (and `kubelet release`): one line per node as it finishes
/// (what was matched, what changed), then the summary by outcome with folded node sets. Machine
/// formats carry schema_version 1 and are documented in the man page (DAEMONSET OUTPUT).
class DaemonSetOutput final : public FleetOutput {
public:
    DaemonSetOutput(DaemonSetFormat format, const containment::ActionSpec& action,
                    std::optional<containment::DaemonSetRef> daemonset,
                    std::vector<NodeLabel> nodes, std::ostream& out, std::ostream& err,
                    NodeSetFold fold = inventory::fold_node_set);

    void on_output(std::size_t node, std::string_view data, bool is_stderr) override;
    void on_finished(std::size_t node, transport::NodeResult&& result) override;
    void finish(std::chrono::milliseconds elapsed) override;
    bool all_ok() const override;
    bool node_ok(std::size_t node) const override;

private:
    // What is kept of a node: its verdict and report, never its raw output.
    struct NodeOutcome {
        bool finished = false;
        std::string status; // transport status
        std::optional<int> exit_code;
        std::string via;
        containment::NodeJudgement judged;
    };

    nlohmann::json node_json(std::size_t node) const;
    std::string human_line(std::size_t node) const;

    DaemonSetFormat m_format;
    const containment::ActionSpec& m_action;
    std::optional<containment::DaemonSetRef> m_daemonset; // none for `kubelet release`
    std::vector<NodeLabel> m_nodes;
    std::ostream& m_out;
    std::ostream& m_err;
    std::function<std::string(const std::vector<std::string_view>&)> m_fold;
    std::vector<NodeOutcome> m_outcomes;
};

} // namespace breakglass::cli
