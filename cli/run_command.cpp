#include "cli/commands.hpp"
#include "cli/exec_output.hpp"
#include "cli/failure.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_load.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"
#include "inventory/node_set.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/render.hpp"
#include "playbooks/version_state.hpp"

#include <memory>

namespace breakglass::cli {

namespace {

struct RunRequest {
    std::string file;
    std::string signature; // empty: FILE.sig
    std::vector<std::string> params;
    std::string output = "human";
    SelectionFlags selection;
    ConnectionFlags connection;
};

ExecFormat format_of(const std::string& output) {
    if (output == "json") {
        return ExecFormat::json;
    }
    return output == "jsonl" ? ExecFormat::jsonl : ExecFormat::stream;
}

transport::NodeJob job_of(const std::vector<playbooks::RenderedStep>& steps) {
    transport::NodeJob job;
    for (const playbooks::RenderedStep& step : steps) {
        job.steps.push_back({step.name, step.command,
                             step.timeout.value_or(std::chrono::milliseconds(0)), step.become});
    }
    return job;
}

// Every check happens before the first connection; the version is raised only once all passed.
void run_playbook(Context& context, const RunRequest& request) {
    const auto started = std::chrono::system_clock::now();
    const LoadedPlaybook loaded =
        load_verified_playbook(context.settings(), request.file, request.signature, started);
    const playbooks::Playbook& playbook = loaded.playbook;
    const auto params = bind_or_refuse(playbook, request.params);
    // The rollout block's values rank below flags, environment and config file.
    const config::Settings settings = context.settings(playbook.rollout, loaded.path.string());
    const SelectedFleet selected = select_fleet(context, settings, request.selection);
    if (auto in_scope = playbooks::check_scope(playbook, selected.inventory.cluster); !in_scope) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + playbook.name + " refused (scope): " + in_scope.error());
    }
    check_version_or_refuse(settings, playbook);
    const std::filesystem::path state_file = version_state_file(settings);
    if (auto writable = config::ensure_writable_dir(state_file.parent_path()); !writable) {
        throw Failure(ExitCode::config_or_state, writable.error());
    }
    if (auto recorded = playbooks::record_version(state_file, playbook); !recorded) {
        if (recorded.error().rollback) {
            throw Failure(ExitCode::playbook_refused,
                          "playbook " + playbook.name +
                              " refused (rollback): " + recorded.error().message);
        }
        throw Failure(ExitCode::config_or_state, recorded.error().message);
    }
    *context.err << "playbook: " << playbook.name << " version " << playbook.version
                 << ", signed by " << loaded.signer.principal << " (" << loaded.signer.fingerprint
                 << ")\n";
    const transport::NodeJob job = job_of(playbooks::render_steps(playbook, params));
    ExecOutput output(format_of(request.output), node_labels(selected),
                      "playbook " + playbook.name + " v" + std::to_string(playbook.version),
                      *context.out, *context.err, [](const std::vector<std::string_view>& names) {
                          return inventory::fold_node_set(names);
                      });
    run_on_fleet(context, settings, selected, job, request.connection, output);
}

} // namespace

void register_run(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("run", "run a signed playbook on the selected nodes");
    auto request = std::make_shared<RunRequest>();
    command
        ->add_option("FILE", request->file,
                     "playbook file, or a name searched in --playbooks, "
                     "/etc/breakglass/playbooks and the shipped ones")
        ->required();
    command->add_option("--param", request->params, "NAME=VALUE for a declared parameter")
        ->expected(1)
        ->take_all();
    command->add_option("--signature", request->signature,
                        "armored SSH signature (default FILE.sig)");
    add_setting_flag(*command, context, "allowed_signers");
    add_setting_flag(*command, context, "playbooks");
    add_setting_flag(*command, context, "state_dir");
    add_selection_flags(*command, request->selection);
    add_connection_flags(*command, context, request->connection);
    add_output_flag(*command, request->output, {"human", "json", "jsonl"});
    command->callback([&context, request] { run_playbook(context, *request); });
}

} // namespace breakglass::cli
