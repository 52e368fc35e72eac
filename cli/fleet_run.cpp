#include "cli/fleet_run.hpp"

#include "cli/failure.hpp"
#include "cli/interrupt.hpp"
#include "cli/run_audit.hpp"
#include "cli/setting_flags.hpp"
#include "policy/connection_plan.hpp"
#include "transport/identity.hpp"

#include <chrono>

namespace breakglass::cli {

void add_connection_flags(CLI::App& command, Context& context, ConnectionFlags& flags) {
    for (const char* key :
         {"parallel", "rate", "connect_timeout", "handshake_timeout", "timeout", "deadline",
          "max_output", "known_hosts", "user", "jump", "jump_parallel", "identity"}) {
        const std::string name = key;
        add_setting_flag(command, context, key,
                         name == "parallel" ? "-p" : (name == "jump" ? "-J" : ""));
    }
    // The become setting's flag: exec's --become already says whether to use it at all.
    command
        .add_option_function<std::vector<std::string>>(
            "--become-method",
            [&context](const std::vector<std::string>& values) {
                context.flags["become"] = values;
            },
            "become method for logins other than root: sudo or none (default sudo)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    command.add_flag("--accept-new-host-keys", flags.accept_new_host_keys,
                     "trust and record unknown host keys in known_hosts (never changed ones)");
}

std::vector<NodeLabel> node_labels(const SelectedFleet& fleet) {
    std::vector<NodeLabel> labels;
    labels.reserve(fleet.indices.size());
    for (std::size_t index : fleet.indices) {
        labels.push_back({fleet.inventory.nodes[index].name, fleet.inventory.nodes[index].address});
    }
    return labels;
}

void run_on_fleet(Context& context, const config::Settings& settings, const SelectedFleet& selected,
                  const transport::NodeJob& job, const ConnectionFlags& flags,
                  FleetOutput& output) {
    // Every input is checked before a key file is read: credentials come last.
    auto plan = policy::plan_connections(settings, selected.inventory, selected.indices,
                                         selected.become, flags.accept_new_host_keys, context.env);
    if (!plan) {
        throw plan_failure(plan.error());
    }
    auto credentials =
        transport::load_credentials(plan->identity_paths, plan->home, plan->use_agent);
    if (!credentials) {
        throw Failure(ExitCode::config_or_state, credentials.error());
    }
    transport::SessionSettings& session = plan->session;
    RunAudit audit(context, settings, selected); // audit log: records before any contact
    audit.start(plan->targets, job);
    session.credentials = &*credentials;
    session.on_output = [&output](std::size_t node, std::string_view data, bool is_stderr) {
        output.on_output(node, data, is_stderr);
    };
    session.on_step_end = [&output](std::size_t node) { output.on_step_end(node); };
    transport::FanOutLimits& limits = plan->limits;
    install_interrupt_handler();
    limits.cancel = &interrupted();

    const auto started = std::chrono::steady_clock::now();
    transport::run_fanout(plan->targets, job, session, limits,
                          [&output, &audit](std::size_t node, transport::NodeResult&& result) {
                              audit.node_finished(node, result);
                              output.on_finished(node, std::move(result));
                          });
    output.finish(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started));
    if (interrupted().load()) {
        context.result = ExitCode::interrupted;
    } else {
        context.result = output.all_ok() ? ExitCode::ok : ExitCode::nodes_failed;
    }
    context.result = most_severe(context.result, audit.finish(audit.end_reason(interrupted())));
}

} // namespace breakglass::cli
