#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/playbook_load.hpp"
#include "cli/setting_flags.hpp"
#include "inventory/inventory_loader.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/render.hpp"
#include "playbooks/rfc3339.hpp"

#include <chrono>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::cli {

namespace {

struct VerifyOptions {
    std::string file;
    std::string signature; // empty: FILE.sig
    std::string format;
};

struct ShowOptions {
    std::string file;
    std::vector<std::string> params;
};

// The inventory's cluster when an inventory is readable: verify checks scope only then.
std::optional<std::string> inventory_cluster(const config::Settings& settings) {
    auto loaded = inventory::load_inventory(settings.text("inventory"));
    if (!loaded) {
        return std::nullopt;
    }
    return loaded->cluster;
}

void verify(const Context& context, const VerifyOptions& options) {
    const config::Settings settings = context.settings();
    const LoadedPlaybook loaded = load_verified_playbook(settings, options.file, options.signature,
                                                         std::chrono::system_clock::now());
    const playbooks::Playbook& playbook = loaded.playbook;
    const std::optional<std::string> cluster = inventory_cluster(settings);
    if (cluster) {
        if (auto in_scope = playbooks::check_scope(playbook, *cluster); !in_scope) {
            throw Failure(ExitCode::playbook_refused,
                          "playbook " + playbook.name + " refused (scope): " + in_scope.error());
        }
    }
    check_version_or_refuse(settings, playbook);
    const playbooks::VerifiedSignature& verified = loaded.signer;
    const std::string path = loaded.path.string();
    if (options.format == "json") {
        const nlohmann::json document = {
            {"schema_version", 1},
            {"file", path},
            {"signature", loaded.signature_path},
            {"allowed_signers", loaded.allowed_signers_path},
            {"verified", true},
            {"principal", verified.principal},
            {"fingerprint", verified.fingerprint},
            {"key_type", verified.key_type},
            {"signature_algorithm", verified.signature_algorithm},
            {"namespace", verified.name_space},
            {"hash", verified.hash_algorithm},
            {"allowed_signers_line", verified.allowed_signers_line},
            {"name", playbook.name},
            {"version", playbook.version},
            {"issued_at", playbooks::format_rfc3339(playbook.issued_at)},
            {"expires", playbooks::format_rfc3339(playbook.expires)},
            {"clusters", playbook.clusters},
            {"inventory_cluster", cluster ? nlohmann::json(*cluster) : nlohmann::json()}};
        *context.out << document.dump(2) << '\n';
        return;
    }
    *context.out << path << ": good signature\n"
                 << "principal:   " << verified.principal << '\n'
                 << "fingerprint: " << verified.fingerprint << '\n'
                 << "key type:    " << verified.key_type << " (" << verified.signature_algorithm
                 << ")\n"
                 << "namespace:   " << verified.name_space << '\n'
                 << "hash:        " << verified.hash_algorithm << '\n'
                 << "trusted by:  " << loaded.allowed_signers_path << ':'
                 << verified.allowed_signers_line << '\n'
                 << "playbook:    " << playbook.name << " version " << playbook.version << '\n'
                 << "valid:       " << playbooks::format_rfc3339(playbook.issued_at) << " to "
                 << playbooks::format_rfc3339(playbook.expires) << '\n'
                 << "scope:       "
                 << (cluster ? "inventory cluster " + *cluster + " in scope"
                             : "not checked (no readable inventory)")
                 << '\n';
}

// What `run` would send, step by step; nothing is signed-checked because nothing is sent.
void show(const Context& context, const ShowOptions& options) {
    const config::Settings settings = context.settings();
    const playbooks::Playbook playbook = load_unverified_playbook(settings, options.file);
    const auto params = bind_or_refuse(playbook, options.params);
    for (const playbooks::RenderedStep& step : playbooks::render_steps(playbook, params)) {
        *context.out << "# step " << step.name << (step.become ? " (become)" : "") << '\n'
                     << "# command: sh -euc SCRIPT\n"
                     << step.script << '\n';
    }
}

} // namespace

void register_playbook(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("playbook", "check playbooks before they run");
    command->require_subcommand(1);

    auto options = std::make_shared<VerifyOptions>();
    auto* verify_command = command->add_subcommand(
        "verify", "check FILE's signature, schema, validity, scope and version");
    verify_command->add_option("FILE", options->file, "the signed playbook")->required();
    verify_command->add_option("--signature", options->signature,
                               "armored SSH signature (default FILE.sig)");
    add_setting_flag(*verify_command, context, "allowed_signers");
    add_output_flag(*verify_command, options->format, {"human", "json"});
    add_setting_flag(*verify_command, context, "playbooks");
    add_setting_flag(*verify_command, context, "state_dir");
    verify_command->callback([&context, options] { verify(context, *options); });

    auto show_options = std::make_shared<ShowOptions>();
    auto* show_command = command->add_subcommand(
        "show", "print the exact scripts a node would receive (connects to nothing)");
    show_command->add_option("FILE", show_options->file, "the playbook")->required();
    show_command->add_option("--param", show_options->params, "NAME=VALUE")
        ->expected(1)
        ->take_all();
    add_setting_flag(*show_command, context, "playbooks");
    show_command->callback([&context, show_options] { show(context, *show_options); });
}

} // namespace breakglass::cli
