#include "cli/drill_output.hpp"

#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"

#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

using base::escape_terminal_line;
using std::chrono::milliseconds;

std::string ms_text(milliseconds value) {
    if (value.count() < 1000) {
        return std::to_string(value.count()) + "ms";
    }
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.2fs", double(value.count()) / 1000.0);
    return text.data();
}

std::string percentile_text(const char* what, const std::optional<drill::Percentiles>& values) {
    if (!values) {
        return std::string(what) + " -";
    }
    return std::string(what) + " p50 " + ms_text(values->p50) + " p95 " + ms_text(values->p95) +
           " p99 " + ms_text(values->p99);
}

std::size_t count_of(const std::vector<drill::NodeOutcome>& nodes, bool drill::NodeOutcome::*flag) {
    std::size_t count = 0;
    for (const drill::NodeOutcome& node : nodes) {
        count += node.*flag ? 1 : 0;
    }
    return count;
}

nlohmann::json optional_time(const std::optional<std::chrono::sys_seconds>& at) {
    return at ? nlohmann::json(base::format_rfc3339(*at)) : nlohmann::json(nullptr);
}

nlohmann::json percentiles_json(const std::optional<drill::Percentiles>& values) {
    if (!values) {
        return nullptr;
    }
    return {
        {"p50", values->p50.count()}, {"p95", values->p95.count()}, {"p99", values->p99.count()}};
}

nlohmann::json readiness_json(const drill::ReadinessReport& report) {
    return {
        {"runtime", report.runtime},
        {"runtime_socket", report.runtime_socket},
        {"runtime_answers", report.runtime_answers},
        {"read_via", report.read_via.empty() ? nlohmann::json() : nlohmann::json(report.read_via)},
        {"cgroup", report.cgroup},
        {"freezer", report.freezer},
        {"iptables", report.iptables},
        {"nsenter", report.nsenter},
        {"systemd", report.systemd},
        {"kubelet_unit", report.kubelet_unit},
        {"kubelet_unit_state", report.kubelet_unit_state},
        {"kubelet_hold", report.kubelet_hold},
        {"journal_last", report.journal_last}};
}

} // namespace

bool drill_passed(const DrillReport& report) {
    return drill::all_met(report.slos);
}

void print_drill_human(const DrillReport& report, std::ostream& out) {
    std::size_t missed = 0;
    for (const drill::SloResult& result : report.slos) {
        missed += result.met ? 0 : 1;
    }
    out << "drill " << (missed == 0 ? "PASSED" : "FAILED") << ": "
        << (missed == 0 ? "all " + std::to_string(report.slos.size()) + " objectives met"
                        : std::to_string(missed) + " of " + std::to_string(report.slos.size()) +
                              " objectives missed")
        << " (cluster " << escape_terminal_line(report.cluster) << ", " << report.nodes.size()
        << " of " << report.selected << " nodes, seed " << report.seed << ")\n";
    for (const drill::SloResult& result : report.slos) {
        if (!result.met) {
            out << "MISSED " << drill::to_string(result.slo) << ": "
                << escape_terminal_line(result.line) << '\n';
        }
    }
    for (const std::string& warning : report.warnings) {
        out << "warning: " << escape_terminal_line(warning) << '\n';
    }
    bool header = false;
    for (const drill::NodeOutcome& node : report.nodes) {
        if (node.ready) {
            continue;
        }
        if (!header) {
            out << "not ready:\n";
            header = true;
        }
        out << "  " << escape_terminal_line(node.name) << ": "
            << (node.reached ? "" : "unreachable: ");
        for (std::size_t i = 0; i < node.problems.size(); ++i) {
            out << (i == 0 ? "" : "; ") << escape_terminal_line(node.problems[i]);
        }
        out << '\n';
    }
    for (const drill::SloResult& result : report.slos) {
        if (result.met) {
            out << "ok " << drill::to_string(result.slo) << ": "
                << escape_terminal_line(result.line) << '\n';
        }
    }
    out << "times over " << count_of(report.nodes, &drill::NodeOutcome::reached)
        << " reached nodes (nearest rank): " << percentile_text("connect", report.timings.connect)
        << "; " << percentile_text("handshake+auth", report.timings.handshake_auth) << "; "
        << percentile_text("node", report.timings.node) << '\n';
    if (!report.timings.slowest.empty()) {
        out << "slowest:";
        for (std::size_t index : report.timings.slowest) {
            out << ' ' << escape_terminal_line(report.nodes[index].name) << ' '
                << ms_text(report.nodes[index].total);
        }
        out << '\n';
    }
    if (report.exercise) {
        const ExerciseReport& exercise = *report.exercise;
        out << "exercise " << exercise.daemonset << ": contained in "
            << ms_text(exercise.contain_total) << ", restored in "
            << ms_text(exercise.restore_total) << " (whole runs)\n";
        for (const drill::ExerciseNode& node : exercise.nodes) {
            out << "  " << escape_terminal_line(node.name) << ": "
                << (node.contained ? "contained in " + ms_text(node.contain) : "NOT contained")
                << ", "
                << (node.restored ? "restored in " + ms_text(node.restore) : "NOT restored");
            if (!node.problem.empty()) {
                out << " (" << escape_terminal_line(node.problem) << ")";
            }
            out << '\n';
        }
    }
    out << "readiness pass took " << ms_text(report.elapsed) << '\n';
}

void print_drill_json(const DrillReport& report, std::ostream& out) {
    nlohmann::json slos = nlohmann::json::array();
    nlohmann::json missed = nlohmann::json::array();
    for (const drill::SloResult& result : report.slos) {
        slos.push_back(
            {{"slo", drill::to_string(result.slo)}, {"met", result.met}, {"detail", result.line}});
        if (!result.met) {
            missed.push_back(drill::to_string(result.slo));
        }
    }
    nlohmann::json nodes = nlohmann::json::array();
    for (const drill::NodeOutcome& node : report.nodes) {
        nlohmann::json entry = {{"name", node.name},
                                {"reached", node.reached},
                                {"ready", node.ready},
                                {"status", transport::to_string(node.status)},
                                {"reason", transport::to_string(node.reason)},
                                {"problems", node.problems},
                                {"connect_ms", node.connect.count()},
                                {"handshake_auth_ms", node.handshake_auth.count()},
                                {"total_ms", node.total.count()}};
        entry["readiness"] = node.report ? readiness_json(*node.report) : nlohmann::json(nullptr);
        nodes.push_back(std::move(entry));
    }
    nlohmann::json slowest = nlohmann::json::array();
    for (std::size_t index : report.timings.slowest) {
        slowest.push_back(report.nodes[index].name);
    }
    nlohmann::json playbooks = nlohmann::json::array();
    for (const drill::PlaybookCheck& playbook : report.playbooks) {
        playbooks.push_back({{"name", playbook.name},
                             {"path", playbook.path},
                             {"verifies", playbook.problem.empty()},
                             {"problem", playbook.problem},
                             {"valid_until", optional_time(playbook.valid_until)}});
    }
    nlohmann::json signers = nlohmann::json::array();
    for (const drill::SignerCheck& signer : report.signers) {
        signers.push_back({{"principals", signer.principals},
                           {"line", signer.line},
                           {"valid_before", optional_time(signer.valid_before)}});
    }
    const drill::InventoryCheck& inventory = report.inventory;
    nlohmann::json document = {
        {"schema_version", 1},
        {"command", "drill"},
        {"passed", drill_passed(report)},
        {"missed", missed},
        {"cluster", report.cluster},
        {"seed", std::to_string(report.seed)},
        {"selected", report.selected},
        {"sampled", report.nodes.size()},
        {"reachable", count_of(report.nodes, &drill::NodeOutcome::reached)},
        {"ready", count_of(report.nodes, &drill::NodeOutcome::ready)},
        {"slos", slos},
        {"warnings", report.warnings},
        {"timings_ms",
         {{"connect", percentiles_json(report.timings.connect)},
          {"handshake_auth", percentiles_json(report.timings.handshake_auth)},
          {"node", percentiles_json(report.timings.node)}}},
        {"slowest", slowest},
        {"nodes", nodes},
        {"inventory",
         {{"path", inventory.path},
          {"captured_at", base::format_rfc3339(inventory.captured_at)},
          {"signed", inventory.signature_verified},
          {"signer", inventory.signer},
          {"signature_problem", inventory.signature_problem},
          {"signer_valid_before", optional_time(inventory.signer_valid_before)},
          {"nodes", inventory.nodes},
          {"pinned", inventory.pinned}}},
        {"playbooks", playbooks},
        {"signers", signers},
        {"finished_at",
         base::format_rfc3339(std::chrono::floor<std::chrono::seconds>(report.finished))},
        {"elapsed_ms", report.elapsed.count()}};
    if (report.exercise) {
        nlohmann::json exercised = nlohmann::json::array();
        for (const drill::ExerciseNode& node : report.exercise->nodes) {
            exercised.push_back({{"name", node.name},
                                 {"contained", node.contained},
                                 {"restored", node.restored},
                                 {"contain_ms", node.contain.count()},
                                 {"restore_ms", node.restore.count()},
                                 {"changed", node.changed},
                                 {"problem", node.problem}});
        }
        document["exercise"] = {{"daemonset", report.exercise->daemonset},
                                {"contain_total_ms", report.exercise->contain_total.count()},
                                {"restore_total_ms", report.exercise->restore_total.count()},
                                {"nodes", exercised}};
    }
    // Node text is not always UTF-8 (a transport message quoting its output): replaced, never
    // an exception at the end of a drill.
    out << document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

drill::DrillMetrics drill_metrics(const DrillReport& report) {
    drill::DrillMetrics metrics;
    metrics.cluster = report.cluster;
    metrics.finished = report.finished;
    metrics.duration = report.elapsed;
    metrics.selected = report.selected;
    metrics.sampled = report.nodes.size();
    metrics.reachable = count_of(report.nodes, &drill::NodeOutcome::reached);
    metrics.ready = count_of(report.nodes, &drill::NodeOutcome::ready);
    metrics.pinned_ratio = report.inventory.nodes == 0
                               ? 0.0
                               : double(report.inventory.pinned) / double(report.inventory.nodes);
    metrics.inventory_age = std::chrono::duration_cast<std::chrono::seconds>(
        report.finished - report.inventory.captured_at);
    metrics.inventory_signed = report.inventory.signature_verified;
    metrics.connect = report.timings.connect;
    metrics.handshake_auth = report.timings.handshake_auth;
    metrics.node = report.timings.node;
    for (const drill::PlaybookCheck& playbook : report.playbooks) {
        if (playbook.problem.empty() && playbook.valid_until) {
            const auto left = std::chrono::duration_cast<std::chrono::seconds>(
                *playbook.valid_until - report.finished);
            if (!metrics.playbook_validity || left < *metrics.playbook_validity) {
                metrics.playbook_validity = left;
            }
        }
    }
    metrics.slos = report.slos;
    if (report.exercise) {
        metrics.exercise_contain = report.exercise->contain_total;
        metrics.exercise_restore = report.exercise->restore_total;
    }
    return metrics;
}

} // namespace breakglass::cli
