#include "cli/exec_output.hpp"

#include "base/terminal_escape.hpp"

#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

nlohmann::json node_json(const NodeLabel& node, const transport::NodeResult& result) {
    nlohmann::json document = {
        {"type", "node"},
        {"name", node.name},
        {"address", node.address},
        {"via", result.via},
        {"status", transport::to_string(result.status)},
        {"exit_code", result.exit_code ? nlohmann::json(*result.exit_code) : nlohmann::json()},
        {"reason", transport::to_string(result.reason)},
        {"message", result.message},
        // Output is bytes from a node: invalid UTF-8 is replaced rather than failing the dump.
        {"stdout", result.out.tail},
        {"stderr", result.err.tail},
        {"stdout_bytes", result.out.total_bytes},
        {"stderr_bytes", result.err.total_bytes},
        {"stdout_dropped_bytes", result.out.dropped_bytes},
        {"stderr_dropped_bytes", result.err.dropped_bytes},
        {"timings_ms",
         {{"connect", result.timings.connect.count()},
          {"handshake", result.timings.handshake.count()},
          {"auth", result.timings.auth.count()},
          {"exec", result.timings.exec.count()},
          {"total", result.timings.total.count()}}},
    };
    // Per-step results; a single step's output is the node's own, so it is not repeated.
    nlohmann::json steps = nlohmann::json::array();
    for (const transport::StepResult& step : result.steps) {
        nlohmann::json entry = {
            {"name", step.name},
            {"status", transport::to_string(step.status)},
            {"exit_code", step.exit_code ? nlohmann::json(*step.exit_code) : nlohmann::json()},
            {"reason", transport::to_string(step.reason)},
            {"duration_ms", step.duration.count()},
        };
        if (result.steps.size() > 1) {
            entry["stdout"] = step.out.tail;
            entry["stderr"] = step.err.tail;
            entry["stdout_dropped_bytes"] = step.out.dropped_bytes;
            entry["stderr_dropped_bytes"] = step.err.dropped_bytes;
        }
        steps.push_back(std::move(entry));
    }
    document["steps"] = std::move(steps);
    return document;
}

std::string dump(const nlohmann::json& document, int indent = -1) {
    return document.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

ExecOutput::ExecOutput(ExecFormat format, std::vector<NodeLabel> nodes, std::string command,
                       std::ostream& out, std::ostream& err,
                       std::function<std::string(const std::vector<std::string_view>&)> fold)
    : m_format(format), m_nodes(std::move(nodes)), m_command(std::move(command)), m_out(out),
      m_err(err), m_fold(std::move(fold)), m_partial_out(m_nodes.size()),
      m_partial_err(m_nodes.size()), m_results(m_nodes.size()), m_finished(m_nodes.size()),
      m_stopped_at(m_nodes.size()) {}

void ExecOutput::on_output(std::size_t node, std::string_view data, bool is_stderr) {
    if (m_format != ExecFormat::stream) {
        return; // the tail is in the result
    }
    std::string& partial = is_stderr ? m_partial_err[node] : m_partial_out[node];
    std::ostream& stream = is_stderr ? m_err : m_out;
    partial.append(data);
    std::size_t start = 0;
    for (std::size_t newline = partial.find('\n'); newline != std::string::npos;
         newline = partial.find('\n', start)) {
        stream << base::escape_terminal_line(m_nodes[node].name) << ": "
               << base::escape_terminal_text(
                      std::string_view(partial).substr(start, newline - start + 1));
        start = newline + 1;
    }
    partial.erase(0, start);
    // A node printing one endless line must not grow memory without bound.
    if (partial.size() > 65536) {
        // A character cut by the read stays for the next piece instead of showing as bytes.
        const std::size_t cut = base::incomplete_utf8_suffix(partial);
        std::string rest = partial.substr(partial.size() - cut);
        partial.resize(partial.size() - cut);
        flush_partial_line(node, is_stderr);
        partial = std::move(rest);
    }
}

void ExecOutput::flush_partial_line(std::size_t node, bool is_stderr) {
    std::string& partial = is_stderr ? m_partial_err[node] : m_partial_out[node];
    if (!partial.empty()) {
        (is_stderr ? m_err : m_out) << base::escape_terminal_line(m_nodes[node].name) << ": "
                                    << base::escape_terminal_text(partial) << '\n';
        partial.clear();
    }
}

void ExecOutput::on_step_end(std::size_t node) {
    // A step whose output did not end with a newline must not run into the next step's.
    if (m_format == ExecFormat::stream) {
        flush_partial_line(node, false);
        flush_partial_line(node, true);
    }
}

void ExecOutput::on_finished(std::size_t node, transport::NodeResult&& result) {
    m_finished[node] = true;
    if (result.steps.size() > 1 && result.status != transport::NodeStatus::ok) {
        m_stopped_at[node] = result.steps.back().name;
    }
    if (m_format == ExecFormat::stream) {
        flush_partial_line(node, false);
        flush_partial_line(node, true);
        if (result.status != transport::NodeStatus::ok) {
            m_err << base::escape_terminal_line(
                         m_nodes[node].name + ": " +
                         std::string(transport::to_string(result.status)) +
                         (result.reason == transport::Reason::none
                              ? ""
                              : " (" + std::string(transport::to_string(result.reason)) + ")") +
                         ": " + result.message)
                  << '\n';
        }
    }
    if (m_format == ExecFormat::jsonl) {
        nlohmann::json line = node_json(m_nodes[node], result);
        line["schema_version"] = 1;
        m_out << dump(line) << '\n' << std::flush;
    }
    if (m_format == ExecFormat::stream || m_format == ExecFormat::jsonl) {
        // Only the verdict is needed from here on: drop the output to keep memory flat.
        result.out = {};
        result.err = {};
        result.steps.clear();
    }
    m_results[node] = std::move(result);
}

bool ExecOutput::all_ok() const {
    for (std::size_t i = 0; i < m_results.size(); ++i) {
        if (!m_finished[i] || m_results[i].status != transport::NodeStatus::ok) {
            return false;
        }
    }
    return true;
}

bool ExecOutput::node_ok(std::size_t node) const {
    return m_finished[node] && m_results[node].status == transport::NodeStatus::ok;
}

void ExecOutput::finish(std::chrono::milliseconds elapsed) {
    std::map<std::string, std::size_t> counts;
    for (const auto& result : m_results) {
        ++counts[std::string(transport::to_string(result.status))];
    }
    if (m_format == ExecFormat::json) {
        nlohmann::json document = {{"schema_version", 1},
                                   {"command", m_command},
                                   {"duration_ms", elapsed.count()},
                                   {"summary", counts},
                                   {"nodes", nlohmann::json::array()}};
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            document["nodes"].push_back(node_json(m_nodes[i], m_results[i]));
        }
        m_out << dump(document, 2) << '\n';
        return;
    }
    if (m_format == ExecFormat::jsonl) {
        m_out << dump({{"schema_version", 1},
                       {"type", "summary"},
                       {"duration_ms", elapsed.count()},
                       {"summary", counts}})
              << '\n';
        return;
    }
    if (m_format == ExecFormat::gather) {
        // Identical stdout+stderr under one header, like clush -b / dshbak -c.
        std::map<std::string, std::vector<std::string_view>> groups;
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            if (m_results[i].status == transport::NodeStatus::ok ||
                m_results[i].status == transport::NodeStatus::failed) {
                groups[m_results[i].out.tail + m_results[i].err.tail].push_back(m_nodes[i].name);
            }
        }
        for (const auto& [text, names] : groups) {
            const std::string header = m_fold(names) + " (" + std::to_string(names.size()) + ")";
            const std::string shown = base::escape_terminal_text(text);
            m_out << "---------------\n"
                  << base::escape_terminal_line(header) << "\n---------------\n"
                  << shown << (shown.empty() || shown.back() == '\n' ? "" : "\n");
        }
    }
    print_summary();
    m_err << "elapsed " << elapsed.count() / 1000 << "." << (elapsed.count() % 1000) / 100 << "s\n";
}

void ExecOutput::print_summary() {
    // Per status (and reason), the nodes as a folded node set: what a responder acts on.
    std::map<std::string, std::vector<std::string_view>> by_outcome;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        std::string outcome(transport::to_string(m_results[i].status));
        if (m_results[i].reason != transport::Reason::none &&
            m_results[i].reason != transport::Reason::exit_status) {
            outcome += " (" + std::string(transport::to_string(m_results[i].reason)) + ")";
        } else if (m_results[i].exit_code && *m_results[i].exit_code != 0) {
            outcome += " (exit " + std::to_string(*m_results[i].exit_code) + ")";
        }
        if (!m_stopped_at[i].empty()) {
            outcome += " at step " + m_stopped_at[i];
        }
        by_outcome[outcome].push_back(m_nodes[i].name);
    }
    for (const auto& [outcome, names] : by_outcome) {
        m_err << base::escape_terminal_line(outcome + ": " + std::to_string(names.size()) + " " +
                                            m_fold(names))
              << '\n';
    }
    // Nodes behind bastions, grouped by bastion chain: a dead bastion shows as one line.
    std::map<std::string, std::map<std::string, std::size_t>> by_bastion;
    for (const auto& result : m_results) {
        if (!result.via.empty()) {
            ++by_bastion[result.via][std::string(transport::to_string(result.status))];
        }
    }
    for (const auto& [via, counts] : by_bastion) {
        m_err << "via " << base::escape_terminal_line(via) << ":";
        for (const auto& [status, count] : counts) {
            m_err << " " << status << " " << count;
        }
        m_err << '\n';
    }
}

} // namespace breakglass::cli
