#include "cli/playbook_run.hpp"

#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/run_audit.hpp"
#include "cli/setting_flags.hpp"
#include "config/units.hpp"
#include "playbooks/preflight.hpp"
#include "playbooks/render.hpp"
#include "policy/node_jobs.hpp"
#include "policy/node_runtime.hpp"

#include <optional>
#include <ostream>

namespace breakglass::cli {

void add_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                            ConnectionFlags& connection, std::string& output) {
    add_setting_flag(command, context, "allowed_signers");
    add_setting_flag(command, context, "playbooks");
    add_setting_flag(command, context, "state_dir");
    add_selection_flags(command, selection);
    add_connection_flags(command, context, connection);
    add_output_flag(command, output, {"human", "json", "jsonl"});
}

std::string whole_seconds(const std::string& flag, const std::string& text, long minimum,
                          long maximum) {
    auto duration = config::parse_duration(text);
    const long seconds =
        duration ? long(std::chrono::duration_cast<std::chrono::seconds>(*duration).count()) : -1;
    if (seconds < minimum || seconds > maximum) {
        throw Failure(ExitCode::usage, flag + " '" + text + "' must be a duration from " +
                                           config::format_duration(std::chrono::seconds(minimum)) +
                                           " to " +
                                           config::format_duration(std::chrono::seconds(maximum)));
    }
    return std::to_string(seconds);
}

void add_lock_wait_flag(CLI::App& command, std::string& lock_wait) {
    command
        .add_option("--lock-wait", lock_wait,
                    "how long each node waits for another run's node lock before failing as "
                    "node-busy (1s to 60s)")
        ->capture_default_str();
}

std::string lock_wait_seconds(const std::string& lock_wait) {
    return whole_seconds("--lock-wait", lock_wait, 1, 60);
}

void add_mutating_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                                     ConnectionFlags& connection, std::string& output) {
    add_playbook_run_flags(command, context, selection, connection, output);
    add_rollout_flags(command, context, connection.rollout);
}

FleetRun fleet_run_of(const PreparedPlaybookRun& prepared, const policy::RunDescription& run,
                      const ConnectionFlags& flags, std::string change, bool json_plan) {
    return FleetRun{prepared.settings,
                    prepared.selected,
                    prepared.job,
                    flags,
                    policy::run_mutates(run, &prepared.loaded.playbook),
                    std::move(change),
                    json_plan,
                    prepared.loaded.playbook.rollout,
                    prepared.loaded.path.string(),
                    &prepared.node_jobs};
}

PreparedPlaybookRun
prepare_playbook_run(Context& context, const std::string& file, const std::string& signature,
                     const std::vector<std::string>& params, const SelectionFlags& selection,
                     const policy::RunDescription& run, std::string_view bound_name,
                     const std::vector<std::string>& optional_params) {
    const config::Settings base_settings = context.settings();
    playbooks::PreflightRequest request;
    request.files = playbook_files(base_settings, file, signature);
    request.now = std::chrono::system_clock::now();
    request.bound_name = bound_name;
    request.assignments = params;
    request.optional_assignments = optional_params;
    const std::string path = request.files.playbook.string();
    // Filled by the placement, which preflight asks for only once the playbook verified.
    std::optional<config::Settings> settings;
    std::optional<SelectedFleet> selected;
    auto cleared = playbooks::preflight(request, [&](const playbooks::Playbook& playbook) {
        // The rollout block's values rank below flags, environment and config file.
        settings.emplace(context.settings(playbook.rollout, path));
        selected.emplace(select_fleet(context, *settings, selection,
                                      policy::run_mutates(run, &playbook)
                                          ? InventoryUse::mutating_run
                                          : InventoryUse::read_only_run));
        return playbooks::Placement{selected->inventory.cluster, version_state_file(*settings)};
    });
    if (!cleared) {
        throw refusal_failure(cleared.error());
    }
    LoadedPlaybook loaded{request.files.playbook,
                          request.files.signature.string(),
                          request.files.allowed_signers.string(),
                          std::move(cleared->signer),
                          std::move(cleared->playbook),
                          std::move(cleared->sha256),
                          cleared->params};
    context.audit_playbook = playbook_audit_fields(loaded); // what run-start records
    const playbooks::Playbook& playbook = loaded.playbook;
    *context.err << "playbook: " << base::escape_terminal_line(playbook.name) << " version "
                 << playbook.version << ", signed by "
                 << base::escape_terminal_line(loaded.signer.principal) << " ("
                 << loaded.signer.fingerprint << ")\n";
    transport::NodeJob job = policy::job_of(playbooks::render_steps(playbook, cleared->params));
    return {std::move(loaded), std::move(*settings), std::move(*selected), std::move(job), {}};
}

PreparedPlaybookRun prepare_shipped_playbook_run(Context& context, const std::string& name,
                                                 const std::vector<std::string>& params,
                                                 const SelectionFlags& selection,
                                                 const policy::RunDescription& run,
                                                 const std::vector<std::string>& optional_params) {
    auto path = find_shipped_playbook(context.settings(), name);
    if (!path) {
        throw Failure(ExitCode::playbook_refused,
                      path.error() +
                          "; shipped playbooks run only once signed for your clusters: "
                          "playbooks/sign-shipped --key KEY --cluster NAME --out DIR, then "
                          "--playbooks DIR (see README)");
    }
    return prepare_playbook_run(context, path->string(), "", params, selection, run, name,
                                optional_params);
}

PreparedPlaybookRun prepare_shipped_playbook_run(Context& context, const std::string& name,
                                                 const std::vector<std::string>& params,
                                                 const SelectionFlags& selection,
                                                 const policy::RunDescription& run,
                                                 RuntimeParams runtime,
                                                 const std::vector<std::string>& optional_params) {
    const config::Settings settings = context.settings();
    const policy::NodeRuntime from_settings{settings.text("runtime_socket"),
                                            settings.text("kubelet_unit")};
    std::vector<std::string> base = params;
    for (std::string& param : policy::runtime_assignments(from_settings, runtime)) {
        base.push_back(std::move(param));
    }
    PreparedPlaybookRun prepared =
        prepare_shipped_playbook_run(context, name, base, selection, run, optional_params);

    auto runtimes = policy::plan_node_runtimes(prepared.settings, prepared.selected.inventory,
                                               prepared.selected.indices);
    if (!runtimes) {
        const config::Source source = runtimes.error().source;
        throw Failure(source == config::Source::built_in ? ExitCode::inventory
                      : source == config::Source::flag   ? ExitCode::usage
                                                         : ExitCode::config_or_state,
                      runtimes.error().message);
    }
    std::vector<std::string> assignments = params;
    for (std::string& param :
         playbooks::declared_assignments(prepared.loaded.playbook, optional_params)) {
        assignments.push_back(std::move(param));
    }
    auto jobs =
        policy::node_jobs(prepared.loaded.playbook, assignments, *runtimes, from_settings, runtime);
    if (!jobs) {
        throw Failure(
            ExitCode::inventory,
            "inventory: node '" +
                prepared.selected.inventory.nodes[prepared.selected.indices[jobs.error().node]]
                    .name +
                "': " + base::escape_terminal_line(jobs.error().message));
    }
    prepared.node_jobs = std::move(*jobs);
    return prepared;
}

} // namespace breakglass::cli
