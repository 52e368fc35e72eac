#include "cli/app.hpp"

#include "base/terminal_escape.hpp"
#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/logging.hpp"
#include "cli/setting_flags.hpp"

#include <exception>
#include <iostream>

namespace breakglass::cli {

namespace {

// The command table: adding a subcommand is one line here and one file in cli/.
using Registration = void (*)(CLI::App&, Context&);
constexpr Registration k_commands[] = {
    register_version, register_config,    register_inventory, register_exec,  register_playbook,
    register_run,     register_daemonset, register_kubelet,   register_drill, register_audit,
};

int fail(ExitCode code, const std::string& message) {
    // Messages quote files and nodes: escaped, and always one line.
    std::cerr << "breakglass: " << base::escape_terminal_line(message) << '\n';
    return static_cast<int>(code);
}

} // namespace

void add_everything(CLI::App& app, Context& context) {
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("--config", context.config_file,
                   "config file (default $BREAKGLASS_CONFIG, else "
                   "$XDG_CONFIG_HOME/breakglass/config.json)");
    app.add_flag_function(
        "-v,--verbose", [&context](std::int64_t count) { context.verbosity += int(count); },
        "more detail on stderr (repeatable)");
    app.add_flag_function(
        "-q,--quiet", [&context](std::int64_t) { context.verbosity = -1; },
        "errors only on stderr");
    add_setting_flag(app, context, "inventory", "-i");
    add_setting_flag(app, context, "state_dir");
    add_setting_flag(app, context, "playbooks");
    add_setting_flag(app, context, "audit_log");
    add_setting_flag(app, context, "audit_key");

    for (Registration add : k_commands) {
        add(app, context);
    }
}

int run(int argc, char** argv) {
    Context context;
    context.out = &std::cout;
    context.err = &std::cerr;
    context.argv.assign(argv, argv + argc);

    CLI::App app{"breakglass: reach Kubernetes nodes over SSH when the control plane is down",
                 "breakglass"};
    add_everything(app, context);

    try {
        // Logging is set up in a parse callback, so -v is known before any command runs.
        app.parse_complete_callback([&context] { init_logging(context.verbosity); });
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::ParseError& error) {
        return fail(ExitCode::usage, std::string(error.what()) + " (see 'breakglass --help')");
    } catch (const Failure& failure) {
        return fail(failure.code(), failure.what());
    } catch (const std::exception& error) {
        // A bug, not bad input: still one line, never a stack trace.
        return fail(ExitCode::config_or_state, std::string("internal error: ") + error.what());
    }
    return static_cast<int>(context.result);
}

} // namespace breakglass::cli
