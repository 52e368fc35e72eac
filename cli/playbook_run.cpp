#include "cli/playbook_run.hpp"

#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/render.hpp"
#include "playbooks/version_state.hpp"
#include "policy/playbook_binding.hpp"

#include <ostream>

namespace breakglass::cli {

namespace {

transport::NodeJob job_of(const std::vector<playbooks::RenderedStep>& steps) {
    transport::NodeJob job;
    for (const playbooks::RenderedStep& step : steps) {
        job.steps.push_back({step.name, step.command,
                             step.timeout.value_or(std::chrono::milliseconds(0)), step.become});
    }
    return job;
}

} // namespace

void add_playbook_run_flags(CLI::App& command, Context& context, SelectionFlags& selection,
                            ConnectionFlags& connection, std::string& output) {
    add_setting_flag(command, context, "allowed_signers");
    add_setting_flag(command, context, "playbooks");
    add_setting_flag(command, context, "state_dir");
    add_selection_flags(command, selection);
    add_connection_flags(command, context, connection);
    add_output_flag(command, output, {"human", "json", "jsonl"});
}

PreparedPlaybookRun
prepare_playbook_run(Context& context, const std::string& file, const std::string& signature,
                     const std::vector<std::string>& params, const SelectionFlags& selection,
                     const policy::RunDescription& run, std::string_view bound_name) {
    const auto started = std::chrono::system_clock::now();
    LoadedPlaybook loaded = load_verified_playbook(context.settings(), file, signature, started);
    const playbooks::Playbook& playbook = loaded.playbook;
    if (!bound_name.empty()) {
        if (auto bound = policy::check_playbook_binding(playbook, bound_name); !bound) {
            throw Failure(ExitCode::playbook_refused,
                          "playbook " + loaded.path.string() + " refused (name): " + bound.error());
        }
    }
    const auto bound = bind_or_refuse(playbook, params);
    // The rollout block's values rank below flags, environment and config file.
    config::Settings settings = context.settings(playbook.rollout, loaded.path.string());
    SelectedFleet selected =
        select_fleet(context, settings, selection,
                     policy::run_mutates(run, &playbook) ? InventoryUse::mutating_run
                                                         : InventoryUse::read_only_run);
    if (auto in_scope = playbooks::check_scope(playbook, selected.inventory.cluster); !in_scope) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + playbook.name + " refused (scope): " + in_scope.error());
    }
    check_version_or_refuse(settings, playbook);
    const std::filesystem::path state_file = version_state_file(settings);
    if (auto writable = config::ensure_writable_dir(state_file.parent_path()); !writable) {
        throw Failure(ExitCode::config_or_state, "state directory " + writable.error());
    }
    if (auto recorded = playbooks::record_version(state_file, playbook); !recorded) {
        if (recorded.error().rollback) {
            throw Failure(ExitCode::playbook_refused,
                          "playbook " + playbook.name +
                              " refused (rollback): " + recorded.error().message);
        }
        throw Failure(ExitCode::config_or_state, recorded.error().message);
    }
    *context.err << "playbook: " << base::escape_terminal_line(playbook.name) << " version "
                 << playbook.version << ", signed by "
                 << base::escape_terminal_line(loaded.signer.principal) << " ("
                 << loaded.signer.fingerprint << ")\n";
    transport::NodeJob job = job_of(playbooks::render_steps(playbook, bound));
    return {std::move(loaded), std::move(settings), std::move(selected), std::move(job)};
}

PreparedPlaybookRun prepare_shipped_playbook_run(Context& context, const std::string& name,
                                                 const std::vector<std::string>& params,
                                                 const SelectionFlags& selection,
                                                 const policy::RunDescription& run) {
    std::filesystem::path path;
    try {
        path = locate_shipped_playbook(context.settings(), name);
    } catch (const Failure& failure) {
        throw Failure(failure.code(),
                      std::string(failure.what()) +
                          "; shipped playbooks run only once signed for your clusters: "
                          "playbooks/sign-shipped --key KEY --cluster NAME --out DIR, then "
                          "--playbooks DIR (see README)");
    }
    return prepare_playbook_run(context, path.string(), "", params, selection, run, name);
}

} // namespace breakglass::cli
