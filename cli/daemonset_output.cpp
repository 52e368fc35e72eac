#include "cli/daemonset_output.hpp"

#include "base/terminal_escape.hpp"
#include "containment/caveats.hpp"

#include <map>
#include <ostream>

namespace breakglass::cli {

namespace {

std::string dump(const nlohmann::json& document, int indent = -1) {
    return document.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json pods_json(const containment::NodeReport& report) {
    nlohmann::json pods = nlohmann::json::array();
    for (const containment::MatchedPod& pod : report.pods) {
        nlohmann::json containers = nlohmann::json::array();
        for (const containment::MatchedContainer& container : pod.containers) {
            containers.push_back({{"name", container.name},
                                  {"id", container.id},
                                  {"state", container.state},
                                  {"pid", container.pid}});
        }
        pods.push_back(
            {{"uid", pod.uid},
             {"name", pod.name},
             {"sandbox",
              {{"id", pod.sandbox_id}, {"state", pod.sandbox_state}, {"pid", pod.sandbox_pid}}},
             {"containers", std::move(containers)}});
    }
    return pods;
}

nlohmann::json caveats_json(const std::vector<containment::Caveat>& caveats) {
    nlohmann::json list = nlohmann::json::array();
    for (const containment::Caveat& caveat : caveats) {
        list.push_back({{"kind", caveat.kind},
                        {"pod", caveat.pod},
                        {"container", caveat.container},
                        {"why", caveat.why}});
    }
    return list;
}

nlohmann::json changes_json(const std::vector<containment::StateChange>& changes) {
    nlohmann::json list = nlohmann::json::array();
    for (const containment::StateChange& change : changes) {
        list.push_back(
            {{"what", change.what}, {"id", change.id}, {"from", change.from}, {"to", change.to}});
    }
    return list;
}

// status's node journal lines (each parsed strictly: containment/node_journal.hpp).
nlohmann::json journal_json(const std::vector<containment::JournalEntry>& journal) {
    nlohmann::json list = nlohmann::json::array();
    for (const containment::JournalEntry& entry : journal) {
        list.push_back({{"time", entry.time},
                        {"run_id", entry.run_id},
                        {"responder", entry.responder},
                        {"action", entry.action},
                        {"outcome", entry.outcome},
                        {"daemonset", entry.daemonset}});
    }
    return list;
}

// status's facts as reported, plus kubelet_held and kubelet_held_until (RFC 3339, or null).
nlohmann::json facts_json(const containment::NodeReport& report) {
    nlohmann::json facts = nlohmann::json::object();
    for (const auto& [key, value] : report.facts) {
        if (key != "kubelet_hold") {
            facts[key] = value;
        }
    }
    if (report.facts.count("kubelet_hold") != 0) {
        const auto until = containment::kubelet_hold_until(report);
        facts["kubelet_held"] = until.has_value();
        facts["kubelet_held_until"] = until ? nlohmann::json(*until) : nlohmann::json();
    }
    return facts;
}

// "agent" for an ID a snapshot named, else the ID's first 12 characters.
std::string name_of(const containment::NodeReport& report, const std::string& id) {
    auto known = report.names.find(id);
    return known != report.names.end() ? known->second : id.substr(0, 12);
}

std::string snake_case(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
        c = c == ' ' ? '_' : c;
    }
    return out;
}

// The transport's result in containment's terms; its views point into `result`.
containment::NodeRun node_run_of(const transport::NodeResult& result) {
    containment::NodeRun run;
    run.ok = result.status == transport::NodeStatus::ok;
    // Only a plain non-zero exit is the playbook's own verdict (not become-denied, a timeout...).
    run.exited_non_zero = result.status == transport::NodeStatus::failed &&
                          (result.reason == transport::Reason::none ||
                           result.reason == transport::Reason::exit_status);
    run.exit_code = result.exit_code;
    run.reason = transport::to_string(result.reason);
    run.message = result.message;
    for (const transport::StepResult& step : result.steps) {
        run.steps.push_back({step.out.tail, step.out.dropped_bytes});
    }
    run.last_stderr = result.steps.empty() ? std::string_view() : result.steps.back().err.tail;
    return run;
}

} // namespace

DaemonSetFormat daemonset_format(const std::string& output) {
    if (output == "json") {
        return DaemonSetFormat::json;
    }
    return output == "jsonl" ? DaemonSetFormat::jsonl : DaemonSetFormat::human;
}

DaemonSetOutput::DaemonSetOutput(
    DaemonSetFormat format, const containment::ActionSpec& action,
    std::optional<containment::DaemonSetRef> daemonset, std::vector<NodeLabel> nodes,
    std::ostream& out, std::ostream& err,
    std::function<std::string(const std::vector<std::string_view>&)> fold)
    : m_format(format), m_action(action), m_daemonset(std::move(daemonset)),
      m_nodes(std::move(nodes)), m_out(out), m_err(err), m_fold(std::move(fold)),
      m_outcomes(m_nodes.size()) {}

void DaemonSetOutput::on_output(std::size_t, std::string_view, bool) {
    // The report is read from each step's captured output once the node finishes.
}

void DaemonSetOutput::on_finished(std::size_t node, transport::NodeResult&& result) {
    m_outcomes[node] = {true, std::string(transport::to_string(result.status)), result.exit_code,
                        result.via, containment::judge_node(m_action, node_run_of(result))};
    if (result.status == transport::NodeStatus::skipped) {
        m_outcomes[node].judged.word = "skipped"; // never contacted: not a failure of the node
    }
    if (m_format == DaemonSetFormat::human) {
        m_out << base::escape_terminal_text(human_line(node)) << std::flush;
    } else if (m_format == DaemonSetFormat::jsonl) {
        nlohmann::json line = node_json(node);
        line["schema_version"] = 1;
        m_out << dump(line) << '\n' << std::flush;
    }
}

std::string DaemonSetOutput::human_line(std::size_t node) const {
    const NodeOutcome& outcome = m_outcomes[node];
    const containment::NodeJudgement& judged = outcome.judged;
    const containment::NodeReport& report = judged.report;
    std::string line = m_nodes[node].name + ": " + judged.word;
    if (judged.already) {
        line += " (nothing to do)";
    }
    if (judged.failed) {
        line += " (" + (judged.reason.empty() ? outcome.status : judged.reason) +
                "): " + base::escape_terminal_line(judged.message);
    } else if (!report.changes.empty()) {
        std::string sep = ": ";
        for (const containment::StateChange& change : report.changes) {
            line +=
                sep + name_of(report, change.id) + " " + change.to + " (was " + change.from + ")";
            sep = ", ";
        }
    } else if (report.pods.empty()) {
        line += m_daemonset ? ": no pods of " + m_daemonset->text() : "";
    } else {
        std::string sep = ": ";
        for (const containment::MatchedPod& pod : report.pods) {
            line += sep + pod.name;
            sep = " ";
            for (const containment::MatchedContainer& container : pod.containers) {
                line += sep + container.name + " " + container.state +
                        (container.pid > 0 ? " pid " + std::to_string(container.pid) : "");
                sep = ", ";
            }
            sep = "; ";
        }
    }
    line += '\n';
    if (const std::string facts = containment::describe_facts(report); !facts.empty()) {
        line += m_nodes[node].name + ": " + facts + '\n';
    }
    for (const std::string& note : report.notes) {
        line += m_nodes[node].name + ": note: " + note + '\n';
    }
    for (const containment::Caveat& caveat : report.caveats) {
        line += m_nodes[node].name + ": note: " + containment::describe(caveat) + '\n';
    }
    for (const containment::JournalEntry& entry : report.journal) {
        line += m_nodes[node].name + ": journal: " + entry.time + " " + entry.action + " " +
                entry.daemonset + " by " + entry.responder + " run " + entry.run_id + ": " +
                entry.outcome + '\n';
    }
    if (report.journal_unreadable > 0) {
        line += m_nodes[node].name + ": journal: " + std::to_string(report.journal_unreadable) +
                " unreadable line(s) not shown\n";
    }
    return line;
}

nlohmann::json DaemonSetOutput::node_json(std::size_t node) const {
    const NodeOutcome& outcome = m_outcomes[node];
    const containment::NodeJudgement& judged = outcome.judged;
    nlohmann::json document = {
        {"type", "node"},
        {"name", m_nodes[node].name},
        {"address", m_nodes[node].address},
        {"via", outcome.via},
        {"status", outcome.status},
        {"outcome", snake_case(judged.word)},
        {"exit_code", outcome.exit_code ? nlohmann::json(*outcome.exit_code) : nlohmann::json()},
        {"reason", judged.reason},
        {"message", judged.message},
        {"pods", pods_json(judged.report)},
        {"changes", changes_json(judged.report.changes)},
        {"unchanged", changes_json(judged.report.unchanged)},
        {"notes", judged.report.notes},
        {"caveats", caveats_json(judged.report.caveats)},
        {"remaining",
         judged.report.remaining ? nlohmann::json(*judged.report.remaining) : nlohmann::json()},
        {"facts", facts_json(judged.report)},
        {"journal", journal_json(judged.report.journal)},
        {"journal_unreadable", judged.report.journal_unreadable},
    };
    return document;
}

bool DaemonSetOutput::all_ok() const {
    for (const NodeOutcome& outcome : m_outcomes) {
        if (!outcome.finished || outcome.judged.failed) {
            return false;
        }
    }
    return true;
}

bool DaemonSetOutput::node_ok(std::size_t node) const {
    return m_outcomes[node].finished && !m_outcomes[node].judged.failed;
}

void DaemonSetOutput::finish(std::chrono::milliseconds elapsed) {
    std::map<std::string, std::vector<std::string_view>> by_outcome;
    std::map<std::string, std::size_t> counts;
    std::map<std::string, std::size_t> caveat_counts; // nodes with each caveat kind
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        const NodeOutcome& outcome = m_outcomes[i];
        const containment::NodeJudgement& judged = outcome.judged;
        ++counts[snake_case(judged.word)];
        std::string key = judged.word;
        if (outcome.finished && judged.failed) {
            key += " (" + (judged.reason.empty() ? outcome.status : judged.reason) + ")";
        }
        for (const std::string& kind : containment::caveat_kinds(judged.report)) {
            ++caveat_counts[kind];
            key += " (" + kind + ")";
        }
        by_outcome[key].push_back(m_nodes[i].name);
    }
    const std::string command =
        (m_daemonset ? "daemonset " : "kubelet ") + std::string(m_action.command);
    const std::string subject = m_daemonset ? " " + m_daemonset->text() : "";
    if (m_format == DaemonSetFormat::json) {
        nlohmann::json document = {
            {"schema_version", 1},
            {"command", command},
            {"daemonset", m_daemonset ? nlohmann::json{{"namespace", m_daemonset->name_space},
                                                       {"name", m_daemonset->name}}
                                      : nlohmann::json()},
            {"duration_ms", elapsed.count()},
            {"summary", counts},
            {"caveats", caveat_counts},
            {"nodes", nlohmann::json::array()}};
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            document["nodes"].push_back(node_json(i));
        }
        m_out << dump(document, 2) << '\n';
        return;
    }
    if (m_format == DaemonSetFormat::jsonl) {
        m_out << dump({{"schema_version", 1},
                       {"type", "summary"},
                       {"command", command},
                       {"duration_ms", elapsed.count()},
                       {"summary", counts},
                       {"caveats", caveat_counts}})
              << '\n';
        return;
    }
    m_out << "summary: " << command << subject << " on " << m_nodes.size()
          << (m_nodes.size() == 1 ? " node" : " nodes");
    std::string sep = ": ";
    for (const auto& [word, count] : counts) {
        std::string shown = word;
        for (char& c : shown) {
            c = c == '_' ? ' ' : c;
        }
        m_out << sep << count << " " << shown;
        sep = ", ";
    }
    m_out << '\n';
    for (const auto& [key, names] : by_outcome) {
        m_out << "  " << base::escape_terminal_line(key + ": " + m_fold(names)) << '\n';
    }
    m_err << "elapsed " << elapsed.count() / 1000 << "." << (elapsed.count() % 1000) / 100 << "s\n";
}

} // namespace breakglass::cli
