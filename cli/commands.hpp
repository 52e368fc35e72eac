#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace breakglass::cli {

// One function per subcommand file (cli/<name>_command.cpp): each adds its subcommand to the
// app and stores its outcome in Context::result when it runs.
void register_version(CLI::App& app, Context& context);
void register_config(CLI::App& app, Context& context);
void register_inventory(CLI::App& app, Context& context);
void register_exec(CLI::App& app, Context& context);
void register_playbook(CLI::App& app, Context& context);
void register_run(CLI::App& app, Context& context);
void register_daemonset(CLI::App& app, Context& context);
void register_kubelet(CLI::App& app, Context& context);
void register_drill(CLI::App& app, Context& context);
void register_audit(CLI::App& app, Context& context);

} // namespace breakglass::cli
