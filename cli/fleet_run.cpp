#include "cli/fleet_run.hpp"

#include "cli/failure.hpp"
#include "cli/interrupt.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"
#include "transport/identity.hpp"
#include "transport/jump_host.hpp"

#include <chrono>

namespace breakglass::cli {

namespace {

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

// The bastions: -J/--jump (or its environment/config), else the node's, else the inventory's.
std::vector<transport::JumpHost> jump_chain(const config::Settings& settings,
                                            const inventory::Inventory& fleet,
                                            const inventory::Node& node) {
    const config::ResolvedSetting& setting = settings.get("jump");
    std::string text = settings.text("jump");
    bool from_inventory = false;
    if (setting.source == config::Source::built_in) {
        text = !node.jump.empty() ? node.jump : fleet.defaults.jump;
        from_inventory = true;
    }
    auto chain = transport::parse_jump_chain(text);
    if (!chain) {
        if (from_inventory) {
            throw Failure(ExitCode::inventory, "node " + node.name + ": " + chain.error());
        }
        throw Failure(setting.source == config::Source::flag ? ExitCode::usage
                                                             : ExitCode::config_or_state,
                      setting.origin + ": " + chain.error());
    }
    return std::move(*chain);
}

} // namespace

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
    const inventory::Inventory& fleet = selected.inventory;

    std::vector<transport::NodeTarget> targets;
    targets.reserve(selected.indices.size());
    for (std::size_t index : selected.indices) {
        const inventory::Node& node = fleet.nodes[index];
        std::string user = login_user(settings, fleet, node, context.env);
        // Root needs no become; everyone else gets the method select_fleet resolved.
        const transport::BecomeMethod node_become =
            user == "root" ? transport::BecomeMethod::none : selected.become;
        targets.push_back({node.name, node.address, fleet.port_of(node), std::move(user),
                           node.host_keys, node_become, jump_chain(settings, fleet, node)});
    }

    // Credentials last: every input above is checked before a key file is read.
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
    transport::SessionSettings session;
    session.connect_timeout = settings.duration("connect_timeout");
    session.handshake_timeout = settings.duration("handshake_timeout");
    session.command_timeout = settings.duration("timeout");
    session.max_output = std::size_t(settings.size("max_output"));
    session.known_hosts = settings.text("known_hosts");
    session.accept_new_host_keys = flags.accept_new_host_keys;
    session.credentials = &*credentials;
    session.on_output = [&output](std::size_t node, std::string_view data, bool is_stderr) {
        output.on_output(node, data, is_stderr);
    };
    session.on_step_end = [&output](std::size_t node) { output.on_step_end(node); };
    transport::FanOutLimits limits;
    limits.parallel = int(settings.integer("parallel"));
    limits.rate = int(settings.integer("rate"));
    limits.deadline = settings.duration("deadline");
    limits.jump_parallel = int(settings.integer("jump_parallel"));
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

} // namespace breakglass::cli
