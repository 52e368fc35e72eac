#include "cli/commands.hpp"
#include "cli/daemonset_output.hpp"
#include "cli/failure.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_run.hpp"
#include "cli/run_audit.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "containment/actions.hpp"
#include "containment/runtime_settings.hpp"

#include <memory>
#include <ostream>

namespace breakglass::cli {

namespace {

struct ReleaseRequest {
    std::string output = "human";
    std::string lock_wait = "30s";
    SelectionFlags selection;
    ConnectionFlags connection;
};

void release(Context& context, const ReleaseRequest& request) {
    const containment::ActionSpec& action = containment::kubelet_release_action();
    const std::string unit = context.settings().text("kubelet_unit");
    if (auto checked = containment::check_kubelet_unit(unit); !checked) {
        throw Failure(ExitCode::usage, checked.error());
    }
    const policy::RunDescription description{policy::RunCommand::kubelet_release, {}, false};
    const PreparedPlaybookRun run = prepare_shipped_playbook_run(
        context, std::string(action.playbook), {}, request.selection, description,
        RuntimeParams{false, true},
        node_journal_params(context, lock_wait_seconds(request.lock_wait)));
    // A released kubelet restarts every pod it knows: a DaemonSet still in the API comes back.
    *context.err << "warning: a released kubelet restarts the pods it knows; delete the "
                    "DaemonSet through the API first, or it comes back\n";
    DaemonSetOutput output(daemonset_format(request.output), action, std::nullopt,
                           node_labels(run.selected), *context.out, *context.err);
    run_on_fleet(context,
                 fleet_run_of(run, description, request.connection, "kubelet release",
                              request.output != "human"),
                 output);
}

} // namespace

void register_kubelet(CLI::App& app, Context& context) {
    auto* command =
        app.add_subcommand("kubelet", "end kubelet holds taken by daemonset stop/remove");
    command->require_subcommand(1);
    const containment::ActionSpec& action = containment::kubelet_release_action();
    auto* release_command =
        command->add_subcommand(std::string(action.command), std::string(action.summary));
    auto request = std::make_shared<ReleaseRequest>();
    add_mutating_playbook_run_flags(*release_command, context, request->selection,
                                    request->connection, request->output);
    add_setting_flag(*release_command, context, "kubelet_unit");
    add_lock_wait_flag(*release_command, request->lock_wait);
    release_command->callback([&context, request] { release(context, *request); });
}

} // namespace breakglass::cli
