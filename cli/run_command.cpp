#include "cli/commands.hpp"
#include "cli/exec_output.hpp"
#include "cli/failure.hpp"
#include "cli/fleet_run.hpp"
#include "cli/playbook_run.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"

#include <memory>

namespace breakglass::cli {

namespace {

struct RunRequest {
    std::string file;
    std::string signature; // empty: FILE.sig
    std::vector<std::string> params;
    std::string output = "human";
    SelectionFlags selection;
    ConnectionFlags connection;
};

ExecFormat format_of(const std::string& output) {
    if (output == "json") {
        return ExecFormat::json;
    }
    return output == "jsonl" ? ExecFormat::jsonl : ExecFormat::stream;
}

void run_playbook(Context& context, const RunRequest& request) {
    const policy::RunDescription description{policy::RunCommand::run, {}, false};
    const PreparedPlaybookRun run = prepare_playbook_run(
        context, request.file, request.signature, request.params, request.selection, description);
    const playbooks::Playbook& playbook = run.loaded.playbook;
    ExecOutput output(format_of(request.output), node_labels(run.selected),
                      "playbook " + playbook.name + " v" + std::to_string(playbook.version),
                      *context.out, *context.err);
    run_on_fleet(context,
                 fleet_run_of(run, description, request.connection, "run " + playbook.name,
                              request.output != "human"),
                 output);
}

} // namespace

void register_run(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("run", "run a signed playbook on the selected nodes");
    auto request = std::make_shared<RunRequest>();
    command
        ->add_option("FILE", request->file,
                     "playbook file, or a name searched in --playbooks, "
                     "/etc/breakglass/playbooks and the shipped ones")
        ->required();
    command->add_option("--param", request->params, "NAME=VALUE for a declared parameter")
        ->expected(1)
        ->take_all();
    command->add_option("--signature", request->signature,
                        "armored SSH signature (default FILE.sig)");
    add_mutating_playbook_run_flags(*command, context, request->selection, request->connection,
                                    request->output);
    command->callback([&context, request] { run_playbook(context, *request); });
}

} // namespace breakglass::cli
