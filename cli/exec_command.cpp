#include "cli/commands.hpp"
#include "cli/exec_output.hpp"
#include "cli/failure.hpp"
#include "cli/interrupt.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"
#include "inventory/node_set.hpp"
#include "transport/become.hpp"
#include "transport/fanout.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace breakglass::cli {

namespace {

struct ExecRequest {
    std::vector<std::string> command_words;
    std::string output = "human";
    bool gather = false;
    bool become = false;
    bool accept_new_host_keys = false;
    SelectionFlags selection;
};

// The login user: --user, else the node's, else the inventory's, else who runs breakglass.
std::string login_user(const config::Settings& settings, const inventory::Inventory& fleet,
                       const inventory::Node& node, const config::EnvLookup& env) {
    if (!settings.text("user").empty()) {
        return settings.text("user");
    }
    if (!node.user.empty()) {
        return node.user;
    }
    if (!fleet.defaults.user.empty()) {
        return fleet.defaults.user;
    }
    return env("USER").value_or("root");
}

ExecFormat format_of(const ExecRequest& request) {
    if (request.output == "json") {
        return ExecFormat::json;
    }
    if (request.output == "jsonl") {
        return ExecFormat::jsonl;
    }
    return request.gather ? ExecFormat::gather : ExecFormat::stream;
}

void run_exec(Context& context, const ExecRequest& request) {
    const config::Settings settings = context.settings();
    SelectedFleet selected = select_fleet(context, settings, request.selection);
    const inventory::Inventory& fleet = selected.inventory;

    std::string command;
    for (const std::string& word : request.command_words) {
        command += command.empty() ? word : " " + word;
    }
    // Identities: --identity/settings first, then the inventory's own defaults.
    std::vector<std::string> identity_paths = settings.list("identity");
    if (identity_paths.empty()) {
        identity_paths = fleet.defaults.identities;
    }
    const bool agent = context.env("SSH_AUTH_SOCK").has_value();
    auto credentials =
        transport::load_credentials(identity_paths, config::home_dir(context.env).string(), agent);
    if (!credentials) {
        throw Failure(ExitCode::config_or_state, credentials.error());
    }

    // become: a setting given by flag, environment or config file, else the inventory's, else
    // the built-in "sudo -n"; never for root, who needs none.
    const std::string become =
        settings.get("become").source == config::Source::built_in && !fleet.defaults.become.empty()
            ? fleet.defaults.become
            : settings.text("become");
    transport::NodeJob job;
    job.steps.push_back({"command", command, std::chrono::milliseconds(0), request.become});

    std::vector<transport::NodeTarget> targets;
    std::vector<NodeLabel> labels;
    for (std::size_t index : selected.indices) {
        const inventory::Node& node = fleet.nodes[index];
        std::string user = login_user(settings, fleet, node, context.env);
        std::string node_become = user == "root" ? "none" : become;
        targets.push_back({node.name, node.address, fleet.port_of(node), std::move(user),
                           node.host_keys, std::move(node_become)});
        labels.push_back({node.name, node.address});
    }

    ExecOutput output(
        format_of(request), std::move(labels), command, *context.out, *context.err,
        [](const std::vector<std::string_view>& names) { return inventory::fold_node_set(names); });
    transport::SessionSettings session;
    session.connect_timeout = settings.duration("connect_timeout");
    session.handshake_timeout = settings.duration("handshake_timeout");
    session.command_timeout = settings.duration("timeout");
    session.max_output = std::size_t(settings.size("max_output"));
    session.known_hosts = settings.text("known_hosts");
    session.accept_new_host_keys = request.accept_new_host_keys;
    session.credentials = &*credentials;
    session.on_output = [&output](std::size_t node, std::string_view data, bool is_stderr) {
        output.on_output(node, data, is_stderr);
    };
    transport::FanOutLimits limits;
    limits.parallel = int(settings.integer("parallel"));
    limits.rate = int(settings.integer("rate"));
    limits.deadline = settings.duration("deadline");
    install_interrupt_handler();
    limits.cancel = &interrupted();

    const auto started = std::chrono::steady_clock::now();
    transport::run_fanout(targets, job, session, limits,
                          [&output](std::size_t node, transport::NodeResult&& result) {
                              output.on_finished(node, std::move(result));
                          });
    output.finish(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started));
    if (interrupted().load()) {
        context.result = ExitCode::interrupted;
    } else {
        context.result = output.all_ok() ? ExitCode::ok : ExitCode::nodes_failed;
    }
}

} // namespace

void register_exec(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("exec", "run a shell command on the selected nodes");
    auto request = std::make_shared<ExecRequest>();
    add_selection_flags(*command, request->selection);
    add_output_flag(*command, request->output, {"human", "json", "jsonl"});
    command->add_flag("-b,--gather", request->gather,
                      "gather identical outputs under folded node sets (like clush -b)");
    command->add_flag("--become", request->become,
                      "run through the become command (default 'sudo -n')");
    command->add_flag("--accept-new-host-keys", request->accept_new_host_keys,
                      "trust and record unknown host keys in known_hosts (never changed ones)");
    for (const char* key : {"parallel", "rate", "connect_timeout", "handshake_timeout", "timeout",
                            "deadline", "max_output", "known_hosts", "user"}) {
        add_setting_flag(*command, context, key, std::string(key) == "parallel" ? "-p" : "");
    }
    add_setting_flag(*command, context, "identity");
    command->add_option("command", request->command_words, "the command (after --)")
        ->required()
        ->expected(1, -1);
    command->callback([&context, request] { run_exec(context, *request); });
}

} // namespace breakglass::cli
