#pragma once

#include "cli/context.hpp"
#include "cli/exec_output.hpp"
#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "transport/fanout.hpp"

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace breakglass::cli {

/// The connection flags every command that reaches nodes shares (exec, run, ...).
struct ConnectionFlags {
    bool accept_new_host_keys = false;
};

/// Adds the connection settings' flags (-p, --rate, timeouts, --user, --identity, -J, ...) and
/// --accept-new-host-keys to `command`.
void add_connection_flags(CLI::App& command, Context& context, ConnectionFlags& flags);

/// Runs `job` on the selected nodes and feeds `output`; sets context.result (0 all ok, 1 some
/// node not ok, 130 interrupted). Who logs in where, through which bastions, is
/// policy::plan_connections (a bad value throws its Failure); credentials are loaded after it.
void run_on_fleet(Context& context, const config::Settings& settings, const SelectedFleet& fleet,
                  const transport::NodeJob& job, const ConnectionFlags& flags, FleetOutput& output);

/// The node labels output needs, in selection order.
std::vector<NodeLabel> node_labels(const SelectedFleet& fleet);

} // namespace breakglass::cli
