#include "cli/collected_output.hpp"
#include "cli/commands.hpp"
#include "cli/drill_checks.hpp"
#include "cli/drill_exercise.hpp"
#include "cli/drill_output.hpp"
#include "cli/failure.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_run.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "containment/runtime_settings.hpp"
#include "drill/limits.hpp"
#include "drill/readiness_report.hpp"
#include "drill/sample.hpp"
#include "drill/slo.hpp"
#include "drill/summary.hpp"
#include "rollout/limits_text.hpp"

#include <memory>
#include <optional>
#include <ostream>
#include <random>

namespace breakglass::cli {

namespace {

struct DrillRequest {
    drill::LimitTexts limits; // every limit's flag, with its default until given
    std::string sample;
    std::string exercise;
    std::string prometheus;
    std::size_t slowest = 5;
    std::string output = "human";
    SelectionFlags selection;
    ConnectionFlags connection;
};

// Whether the drill passed is its objectives' call, not the nodes'.
class DrillFleetOutput : public CollectedOutput {
public:
    using CollectedOutput::CollectedOutput;
    bool all_ok() const override { return true; }
};

// The parsed value, or a usage failure (exit 2) naming FLAG.
template <typename Value>
Value parsed_or_refused(const std::string& flag, tl::expected<Value, std::string> parsed) {
    if (!parsed) {
        throw Failure(ExitCode::usage, flag + ": " + parsed.error());
    }
    return std::move(*parsed);
}

std::uint64_t seed_of(const DrillRequest& request) {
    const std::string& text = request.connection.rollout.seed;
    if (text.empty()) {
        // A new sample each drill, printed so that --seed repeats it.
        std::random_device device;
        return (std::uint64_t(device()) << 32) | device();
    }
    return parsed_or_refused("--seed",
                             rollout::parse_seed(text).map_error(
                                 [](const rollout::InputError& error) { return error.message; }));
}

// --exercise NAMESPACE/NAME, refused (exit 2) unless drill_exercise_daemonsets names it.
std::optional<containment::DaemonSetRef> exercise_of(const Context& context,
                                                     const DrillRequest& request) {
    if (request.exercise.empty()) {
        return std::nullopt;
    }
    auto daemonset =
        parsed_or_refused("--exercise", containment::parse_daemonset_ref(request.exercise));
    const config::Settings settings = context.settings();
    if (auto allowed = drill::check_exercise_allowed(daemonset.text(),
                                                     settings.list("drill_exercise_daemonsets"));
        !allowed) {
        throw Failure(ExitCode::usage, allowed.error());
    }
    return daemonset;
}

std::vector<std::string> readiness_params(const config::Settings& settings) {
    const std::string& socket = settings.text("runtime_socket");
    const std::string& unit = settings.text("kubelet_unit");
    for (auto checked :
         {containment::check_runtime_socket(socket), containment::check_kubelet_unit(unit)}) {
        if (!checked) {
            throw Failure(ExitCode::usage, checked.error());
        }
    }
    return containment::runtime_params(socket, unit, true);
}

std::optional<drill::SampleSize> sample_of(const DrillRequest& request) {
    if (request.sample.empty()) {
        return std::nullopt;
    }
    return parsed_or_refused("--sample", drill::parse_sample(request.sample));
}

// Narrows the selection to the sample (zone-spread, seeded); returns how many were selected.
std::size_t apply_sample(SelectedFleet& fleet, const std::optional<drill::SampleSize>& size,
                         std::uint64_t seed) {
    const std::size_t selected = fleet.indices.size();
    std::vector<std::size_t> sampled;
    for (std::size_t position : drill::pick_sample(plan_nodes(fleet), size, seed)) {
        sampled.push_back(fleet.indices[position]);
    }
    fleet.indices = std::move(sampled);
    return selected;
}

void run_drill(Context& context, const DrillRequest& request) {
    auto limits = drill::parse_limits(request.limits);
    if (!limits) {
        throw Failure(ExitCode::usage, limits.error());
    }
    const std::uint64_t seed = seed_of(request);
    const std::optional<drill::SampleSize> sample = sample_of(request);
    const std::optional<containment::DaemonSetRef> exercise = exercise_of(context, request);
    // The inventory's age is an objective here, reported as a miss rather than refused.
    SelectionFlags selection = request.selection;
    selection.allow_stale = true;
    PreparedPlaybookRun run = prepare_shipped_playbook_run(
        context, std::string(drill::k_readiness_playbook), readiness_params(context.settings()),
        selection, policy::RunDescription{policy::RunCommand::run, {}, true});
    if (policy::playbook_mutates(run.loaded.playbook)) {
        throw Failure(ExitCode::playbook_refused,
                      std::string(drill::k_readiness_playbook) +
                          " has a step marked mutates: the drill runs nothing that changes a node");
    }

    DrillReport report;
    report.cluster = run.selected.inventory.cluster;
    report.seed = seed;
    report.inventory = check_inventory(run.settings, run.selected);
    report.selected = apply_sample(run.selected, sample, seed);

    DrillFleetOutput output(run.selected.indices.size());
    // Read-only: no waves, no budget, no confirmation (the playbook's steps were checked above).
    run_on_fleet(context,
                 FleetRun{run.settings,
                          run.selected,
                          run.job,
                          request.connection,
                          false,
                          std::string("drill"),
                          false,
                          nlohmann::json::object(),
                          {}},
                 output);
    if (context.result == ExitCode::interrupted) {
        *context.err << "breakglass: drill interrupted: no verdict\n";
        return;
    }
    if (request.connection.rollout.dry_run) {
        return; // the plan is printed; nothing was contacted, so there is nothing to judge
    }
    const auto now = std::chrono::system_clock::now();
    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
    for (std::size_t i = 0; i < output.results().size(); ++i) {
        const inventory::Node& node = run.selected.inventory.nodes[run.selected.indices[i]];
        report.nodes.push_back(drill::judge_drill_node(node.name, output.results()[i]));
    }
    report.timings = drill::timing_figures(report.nodes, request.slowest);
    report.signers = check_signers(run.settings);
    report.playbooks = check_playbooks(run.settings, report.cluster, now);
    report.slos = drill::evaluate_slos(drill::node_figures(report.nodes), report.inventory,
                                       report.playbooks, limits->slo, now_seconds);
    report.warnings = drill::expiry_warnings(report.inventory, report.playbooks, report.signers,
                                             now_seconds, limits->warn_expiry);
    report.finished = now;
    report.elapsed = output.elapsed();
    ExitCode code = ExitCode::ok;
    if (exercise) {
        report.exercise = run_exercise(context, *exercise, request.selection, request.connection,
                                       run.selected.indices, request.output != "human");
        report.slos.push_back(drill::exercise_result(report.exercise->nodes));
        code = report.exercise->code;
    }

    if (request.output == "human") {
        print_drill_human(report, *context.out);
    } else {
        print_drill_json(report, *context.out);
    }
    if (!request.prometheus.empty()) {
        auto written = drill::write_textfile(request.prometheus,
                                             drill::render_textfile(drill_metrics(report)));
        if (!written) {
            throw Failure(ExitCode::config_or_state, written.error());
        }
    }
    context.result =
        most_severe(code, drill_passed(report) ? ExitCode::ok : ExitCode::drill_slo_missed);
}

} // namespace

void register_drill(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand(
        "drill", "prove the break-glass path works: reach every selected node (read-only), check "
                 "inventory, signers and playbooks, judge the objectives (exit 7 on a miss)");
    auto request = std::make_shared<DrillRequest>();
    for (const drill::LimitOption& limit : drill::limit_options()) {
        // std::map keeps each entry where it is: CLI11 may hold on to the reference.
        std::string& text = request->limits[std::string(limit.flag)];
        text = limit.default_text;
        command->add_option(std::string(limit.flag), text, std::string(limit.help))
            ->capture_default_str();
    }
    command->add_option("--sample", request->sample,
                        "drill N nodes or P% of the selection, spread across zones");
    command->add_option("--exercise", request->exercise,
                        "also freeze, then thaw, this drill DaemonSet (NAMESPACE/NAME, named in "
                        "drill_exercise_daemonsets) on the sample, through canary and waves");
    command->add_option("--prometheus", request->prometheus,
                        "also write the metrics to FILE (node_exporter textfile, atomically)");
    // The rollout flags serve --exercise; --seed also repeats the sample.
    add_mutating_playbook_run_flags(*command, context, request->selection, request->connection,
                                    request->output);
    add_setting_flag(*command, context, "runtime_socket");
    add_setting_flag(*command, context, "kubelet_unit");
    command->callback([&context, request] { run_drill(context, *request); });
}

} // namespace breakglass::cli
