#include "cli/commands.hpp"
#include "cli/exec_output.hpp"
#include "cli/fleet_run.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "policy/mutation.hpp"

#include <memory>

namespace breakglass::cli {

namespace {

struct ExecRequest {
    std::vector<std::string> command_words;
    std::string output = "human";
    bool gather = false;
    bool become = false;
    bool read_only = false;
    SelectionFlags selection;
    ConnectionFlags connection;
};

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
    const bool mutating =
        policy::run_mutates({policy::RunCommand::exec, {}, request.read_only}, nullptr);
    const SelectedFleet selected =
        select_fleet(context, settings, request.selection,
                     mutating ? InventoryUse::mutating_run : InventoryUse::read_only_run);
    std::string command;
    for (const std::string& word : request.command_words) {
        command += command.empty() ? word : " " + word;
    }
    transport::NodeJob job;
    job.steps.push_back({"command", command, std::chrono::milliseconds(0), request.become});
    ExecOutput output(format_of(request), node_labels(selected), command, *context.out,
                      *context.err);
    FleetRun run{settings,
                 selected,
                 job,
                 request.connection,
                 mutating,
                 "exec " + command,
                 request.output != "human",
                 nlohmann::json::object(),
                 ""};
    run_on_fleet(context, run, output);
}

} // namespace

void register_exec(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("exec", "run a shell command on the selected nodes");
    auto request = std::make_shared<ExecRequest>();
    add_selection_flags(*command, request->selection);
    add_connection_flags(*command, context, request->connection);
    add_rollout_flags(*command, context, request->connection.rollout);
    add_setting_flag(*command, context, "allowed_signers");
    add_output_flag(*command, request->output, {"human", "json", "jsonl"});
    command->add_flag("-b,--gather", request->gather,
                      "gather identical outputs under folded node sets (like clush -b)");
    command->add_flag("--become", request->become,
                      "run through the become method (the become setting, default sudo)");
    command->add_flag("--read-only", request->read_only,
                      "declare that the command changes nothing: an unsigned inventory is then "
                      "accepted with a warning");
    command->add_option("command", request->command_words, "the command (after --)")
        ->required()
        ->expected(1, -1);
    command->callback([&context, request] { run_exec(context, *request); });
}

} // namespace breakglass::cli
