#pragma once

#include "config/environment.hpp"
#include "config/settings.hpp"
#include "inventory/inventory.hpp"
#include "transport/become.hpp"
#include "transport/fanout.hpp"
#include "transport/node_session.hpp"

#include <cstddef>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::policy {

/// Which exit-code class a refused plan belongs to; cli/ maps it to its ExitCode (usage 2,
/// inventory 3, config_or_state 4, playbook_refused 5).
enum class PlanErrorClass { usage, inventory, config, playbook };

/// Why no plan could be made: the class, and the one line to print (it names where the bad
/// value came from: a flag, a variable, file:line:column, the inventory or a node).
struct PlanError {
    PlanErrorClass kind = PlanErrorClass::config;
    std::string message;
};

/// The become method for logins other than root: the `become` setting when a flag, variable,
/// config file or playbook names it, else the inventory's defaults.become, else the setting's
/// default (sudo). Only a method name is accepted from any of them: a bad one fails with the
/// class of its source (flag: usage, playbook: playbook, inventory: inventory, else config).
/// `inventory_path` only names the inventory in the message.
tl::expected<transport::BecomeMethod, PlanError>
plan_become_method(const config::Settings& settings, const inventory::Inventory& fleet,
                   const std::string& inventory_path);

/// Everything a fleet run hands the transport, decided before any key file is read.
struct ConnectionPlan {
    std::vector<transport::NodeTarget> targets; // one per selected node, in selection order
    std::vector<std::string> identity_paths;    // empty: OpenSSH's default key files
    bool use_agent = false;                     // ssh-agent is tried after the files
    std::string home;                           // where the default key files are looked for
    transport::SessionSettings session;         // without credentials and output callbacks
    transport::FanOutLimits limits;             // without the cancel flag
};

/// Maps the selected nodes (indices into fleet.nodes) to transport targets, with one rule per
/// field, highest first:
/// - login user: the `user` setting (flag > env > config > playbook) when not empty, else the
///   node's, else the inventory's defaults.user, else $USER, else root;
/// - become: `become` (from plan_become_method) except for root, who needs none;
/// - bastions: the `jump` setting when any source but the built-in default sets it (even to
///   empty text: direct), else the node's jump, else the inventory's defaults.jump;
/// - host keys: the node's pins (the transport falls back to `known_hosts` without them);
/// - identities: the `identity` setting when not empty, else the inventory's defaults;
///   ssh-agent when SSH_AUTH_SOCK is set;
/// - timeouts, output cap and fan-out limits: their settings.
/// A jump chain that does not parse fails: from the inventory (node or defaults) as inventory,
/// naming the node; from a flag as usage; from anywhere else as config, naming the origin.
tl::expected<ConnectionPlan, PlanError>
plan_connections(const config::Settings& settings, const inventory::Inventory& fleet,
                 const std::vector<std::size_t>& selected, transport::BecomeMethod become,
                 bool accept_new_host_keys, const config::EnvLookup& env);

} // namespace breakglass::policy
