#include "cli/commands.hpp"
#include "cli/daemonset_output.hpp"
#include "cli/failure.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_run.hpp"
#include "cli/run_audit.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "containment/actions.hpp"
#include "containment/daemonset_ref.hpp"
#include "containment/runtime_settings.hpp"

#include <memory>
#include <ostream>

namespace breakglass::cli {

namespace {

struct DaemonSetRequest {
    const containment::ActionSpec* action = nullptr;
    std::string daemonset;
    std::string output = "human";
    bool hold_kubelet = false;
    bool accept_restart = false;
    std::string hold_for = "2h";
    std::string grace = "30s";
    std::string lock_wait = "30s";
    std::vector<std::string> destinations;
    SelectionFlags selection;
    ConnectionFlags connection;
};

// runtime_socket and kubelet_unit: a bad value is a usage error (exit 2) here, before
// anything is sent. Each node's values become parameters in prepare_shipped_playbook_run.
void check_runtime_settings(const config::Settings& settings, bool with_unit) {
    if (auto checked = containment::check_runtime_socket(settings.text("runtime_socket"));
        !checked) {
        throw Failure(ExitCode::usage, checked.error());
    }
    if (auto checked = containment::check_kubelet_unit(settings.text("kubelet_unit"));
        with_unit && !checked) {
        throw Failure(ExitCode::usage, checked.error());
    }
}

bool touches_kubelet(const containment::ActionSpec& action) {
    return action.kubelet_rule || action.command == "status";
}

// The shipped playbook's parameters: validated here for a clear error, and again by the
// playbook's own patterns before anything is sent.
std::vector<std::string> params_of(const DaemonSetRequest& request,
                                   const containment::DaemonSetRef& daemonset,
                                   const config::Settings& settings) {
    std::vector<std::string> params = {"ds_namespace=" + daemonset.name_space,
                                       "ds_name=" + daemonset.name};
    const containment::ActionSpec& action = *request.action;
    if (action.kubelet_rule) {
        if (request.hold_kubelet && request.accept_restart) {
            throw Failure(ExitCode::usage,
                          "--hold-kubelet and --accept-restart exclude each other");
        }
        params.push_back(std::string("kubelet=") + (request.hold_kubelet     ? "hold"
                                                    : request.accept_restart ? "accept-restart"
                                                                             : "refuse"));
        params.push_back("hold_seconds=" +
                         whole_seconds("--hold-for", request.hold_for, 10, 7L * 24 * 3600));
        params.push_back("grace_seconds=" + whole_seconds("--grace", request.grace, 0, 300));
    }
    check_runtime_settings(settings, touches_kubelet(action));
    if (action.command == "isolate" && !request.destinations.empty()) {
        std::string joined;
        for (const std::string& destination : request.destinations) {
            joined += (joined.empty() ? "" : ",") + destination;
        }
        params.push_back("destinations=" + joined);
    }
    return params;
}

void run_action(Context& context, const DaemonSetRequest& request) {
    auto daemonset = containment::parse_daemonset_ref(request.daemonset);
    if (!daemonset) {
        throw Failure(ExitCode::usage, "daemonset " + std::string(request.action->command) + ": " +
                                           daemonset.error());
    }
    const policy::RunDescription description{policy::RunCommand::daemonset, request.action->command,
                                             false};
    // Older signed playbooks lack the node journal's parameters: bound only where declared.
    const std::vector<std::string> journal =
        request.action->command == "status"
            ? std::vector<std::string>{}
            : node_journal_params(context, lock_wait_seconds(request.lock_wait));
    const PreparedPlaybookRun run = prepare_shipped_playbook_run(
        context, std::string(request.action->playbook),
        params_of(request, *daemonset, context.settings()), request.selection, description,
        RuntimeParams{true, touches_kubelet(*request.action)}, journal);
    DaemonSetOutput output(daemonset_format(request.output), *request.action, *daemonset,
                           node_labels(run.selected), *context.out, *context.err);
    run_on_fleet(
        context,
        fleet_run_of(run, description, request.connection,
                     "daemonset " + std::string(request.action->command) + " " + daemonset->text(),
                     request.output != "human"),
        output);
}

void add_action(CLI::App& parent, Context& context, const containment::ActionSpec& action) {
    auto* command = parent.add_subcommand(std::string(action.command), std::string(action.summary));
    auto request = std::make_shared<DaemonSetRequest>();
    request->action = &action;
    command->add_option("DAEMONSET", request->daemonset, "NAMESPACE/NAME")->required();
    if (action.kubelet_rule) {
        command->add_flag("--hold-kubelet", request->hold_kubelet,
                          "stop and mask the kubelet first, released automatically after "
                          "--hold-for (the node goes NotReady while held)");
        command->add_option("--hold-for", request->hold_for, "how long the kubelet stays held")
            ->capture_default_str();
        command->add_flag("--accept-restart", request->accept_restart,
                          "act although the running kubelet will restart the containers");
        command->add_option("--grace", request->grace, "SIGTERM to SIGKILL grace period")
            ->capture_default_str();
    }
    if (action.command == "isolate") {
        command
            ->add_option("--destination", request->destinations,
                         "drop only traffic to this address or CIDR (repeatable; default all "
                         "egress but loopback)")
            ->expected(1)
            ->take_all();
    }
    if (action.command == "status") {
        add_playbook_run_flags(*command, context, request->selection, request->connection,
                               request->output);
        // Scripts may pass --yes to every command; a read-only run never asks.
        command->add_flag("-y,--yes", request->connection.rollout.yes,
                          "accepted and ignored: status changes nothing and never asks");
    } else {
        add_mutating_playbook_run_flags(*command, context, request->selection, request->connection,
                                        request->output);
        add_lock_wait_flag(*command, request->lock_wait);
    }
    add_setting_flag(*command, context, "runtime_socket");
    if (touches_kubelet(action)) {
        add_setting_flag(*command, context, "kubelet_unit");
    }
    command->callback([&context, request] { run_action(context, *request); });
}

} // namespace

void register_daemonset(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand(
        "daemonset", "find or contain one DaemonSet's containers on the nodes (shipped playbooks)");
    command->require_subcommand(1);
    for (const containment::ActionSpec& action : containment::all_actions()) {
        add_action(*command, context, action);
    }
}

} // namespace breakglass::cli
