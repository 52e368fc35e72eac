#include "cli/drill_exercise.hpp"

#include "cli/collected_output.hpp"
#include "cli/failure.hpp"
#include "cli/playbook_run.hpp"
#include "cli/run_audit.hpp"
#include "containment/actions.hpp"
#include "containment/node_report.hpp"
#include "containment/runtime_settings.hpp"

namespace breakglass::cli {

namespace {

// The exercise waits for another run's node lock as long as daemonset freeze/thaw do by default.
constexpr const char* k_drill_lock_wait_seconds = "30";

std::string why(const transport::NodeResult& result) {
    std::string line(transport::to_string(result.status));
    if (!result.message.empty()) {
        line += ": " + result.message;
    }
    return line;
}

std::vector<std::string> changed_ids(const transport::NodeResult& result) {
    std::vector<containment::StepOutput> steps;
    for (const transport::StepResult& step : result.steps) {
        steps.push_back({step.out.tail, step.out.dropped_bytes});
    }
    std::vector<std::string> ids;
    if (auto report = containment::parse_kept_report(steps)) {
        for (const containment::StateChange& change : report->changes) {
            ids.push_back(change.id);
        }
    }
    return ids;
}

} // namespace

ExerciseReport run_exercise(Context& context, const containment::DaemonSetRef& daemonset,
                            const SelectionFlags& selection, const ConnectionFlags& connection,
                            const std::vector<std::size_t>& sample, bool json_plan) {
    ExerciseReport report;
    report.daemonset = daemonset.text();
    const config::Settings settings = context.settings();
    std::vector<std::string> params{"ds_namespace=" + daemonset.name_space,
                                    "ds_name=" + daemonset.name};
    for (std::string& param : containment::runtime_params(settings.text("runtime_socket"),
                                                          settings.text("kubelet_unit"), false)) {
        params.push_back(std::move(param));
    }
    for (const char* command : {"freeze", "thaw"}) {
        const containment::ActionSpec& action = *containment::find_action(command);
        const policy::RunDescription description{policy::RunCommand::daemonset, action.command,
                                                 false};
        // Each run its own audit run id, named in each node's journal as well.
        context.run_id.clear();
        PreparedPlaybookRun run = prepare_shipped_playbook_run(
            context, std::string(action.playbook), params, selection, description,
            node_journal_params(context, k_drill_lock_wait_seconds));
        run.selected.indices = sample; // the same inventory file: the drill's sample
        CollectedOutput output(sample.size());
        context.result = ExitCode::ok;
        run_on_fleet(context,
                     fleet_run_of(run, description, connection,
                                  "drill exercise " + std::string(command) + " " + report.daemonset,
                                  json_plan),
                     output);
        const bool freeze = action.command == "freeze";
        if (freeze) {
            report.contain_total = output.elapsed();
        } else {
            report.restore_total = output.elapsed();
        }
        for (std::size_t i = 0; i < sample.size(); ++i) {
            if (freeze) {
                const inventory::Node& node = run.selected.inventory.nodes[sample[i]];
                report.nodes.push_back({node.name, false, false, {}, {}, {}, ""});
            }
            drill::ExerciseNode& node = report.nodes[i];
            const transport::NodeResult& result = output.result(i);
            const bool ok = output.node_ok(i);
            (freeze ? node.contained : node.restored) = ok;
            (freeze ? node.contain : node.restore) = result.timings.total;
            if (freeze) {
                node.changed = changed_ids(result);
            }
            if (!ok && node.problem.empty()) {
                node.problem = std::string(command) + " " + why(result);
            }
        }
        if (context.result != ExitCode::nodes_failed) {
            report.code = most_severe(report.code, context.result);
        }
        if (context.result == ExitCode::interrupted) {
            break; // no thaw behind the responder's back after a signal: the report says so
        }
    }
    return report;
}

} // namespace breakglass::cli
