#include "base/bounded_read.hpp"
#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/playbook_load.hpp"
#include "cli/setting_flags.hpp"
#include "config/units.hpp"
#include "inventory/inventory_loader.hpp"
#include "playbooks/bundle.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/render.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
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

struct BundleOptions {
    std::string source;
    std::vector<std::string> clusters;
    std::string valid_for = "30d";
    std::string issued_at; // empty: now
    std::string lib_dir;   // empty: SOURCE_DIR/../lib
    std::string output;    // empty: standard output
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
        if (auto in_scope = playbooks::check_cluster(playbook, *cluster); !in_scope) {
            throw refusal_failure(in_scope.error());
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
            {"issued_at", base::format_rfc3339(playbook.issued_at)},
            {"expires", base::format_rfc3339(playbook.expires)},
            {"clusters", playbook.clusters},
            {"inventory_cluster", cluster ? nlohmann::json(*cluster) : nlohmann::json()}};
        *context.out << document.dump(2) << '\n';
        return;
    }
    *context.out << base::escape_terminal_line(path) << ": good signature\n"
                 << "principal:   " << base::escape_terminal_line(verified.principal) << '\n'
                 << "fingerprint: " << verified.fingerprint << '\n'
                 << "key type:    " << verified.key_type << " (" << verified.signature_algorithm
                 << ")\n"
                 << "namespace:   " << verified.name_space << '\n'
                 << "hash:        " << verified.hash_algorithm << '\n'
                 << "trusted by:  " << base::escape_terminal_line(loaded.allowed_signers_path)
                 << ':' << verified.allowed_signers_line << '\n'
                 << "playbook:    " << base::escape_terminal_line(playbook.name) << " version "
                 << playbook.version << '\n'
                 << "valid:       " << base::format_rfc3339(playbook.issued_at) << " to "
                 << base::format_rfc3339(playbook.expires) << '\n'
                 << "scope:       "
                 << (cluster
                         ? "inventory cluster " + base::escape_terminal_line(*cluster) + " in scope"
                         : "not checked (no readable inventory)")
                 << '\n';
}

// What `run` would send, step by step; nothing is signed-checked because nothing is sent.
void show(const Context& context, const ShowOptions& options) {
    const config::Settings settings = context.settings();
    const playbooks::Playbook playbook = load_unverified_playbook(settings, options.file);
    const auto params = bind_or_refuse(playbook, options.params);
    for (const playbooks::RenderedStep& step : playbooks::render_steps(playbook, params)) {
        *context.out << "# step " << base::escape_terminal_line(step.name)
                     << (step.become ? " (become)" : "") << '\n'
                     << "# command: sh -euc SCRIPT\n"
                     << base::escape_terminal_text(step.script) << '\n';
    }
}

// A shipped playbook source made ready for signing: libraries inlined, clusters and validity
// stamped. Signing itself stays with ssh-keygen (or whatever holds the organisation's key).
void bundle(const Context& context, const BundleOptions& options) {
    const std::filesystem::path source_path(options.source);
    auto source = base::read_bounded(options.source, 4U << 20U);
    if (!source) {
        throw Failure(ExitCode::usage, "playbook bundle: " + source.error());
    }
    auto valid_for = config::parse_duration(options.valid_for);
    if (!valid_for || valid_for->count() <= 0) {
        throw Failure(ExitCode::usage, "playbook bundle: --valid-for '" + options.valid_for +
                                           "' is not a positive duration (e.g. 30d, 12h)");
    }
    playbooks::BundleStamp stamp;
    stamp.clusters = options.clusters;
    stamp.issued_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!options.issued_at.empty()) {
        auto issued_at = base::parse_rfc3339(options.issued_at);
        if (!issued_at) {
            throw Failure(ExitCode::usage, "playbook bundle: --issued-at '" + options.issued_at +
                                               "' is not an RFC 3339 time");
        }
        stamp.issued_at = *issued_at;
    }
    stamp.expires = stamp.issued_at + std::chrono::floor<std::chrono::seconds>(*valid_for);
    const std::filesystem::path lib_dir = options.lib_dir.empty()
                                              ? source_path.parent_path() / ".." / "lib"
                                              : std::filesystem::path(options.lib_dir);
    auto bundled = playbooks::bundle_playbook(*source, lib_dir, stamp);
    if (!bundled) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook bundle: " + options.source + ": " + bundled.error());
    }
    if (options.output.empty()) {
        *context.out << *bundled;
        return;
    }
    std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
    out << *bundled;
    out.close();
    if (!out) {
        throw Failure(ExitCode::config_or_state, "playbook bundle: cannot write " + options.output);
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

    auto bundle_options = std::make_shared<BundleOptions>();
    auto* bundle_command = command->add_subcommand(
        "bundle", "make a shipped playbook source ready to sign: inline its libraries, stamp "
                  "clusters and validity");
    bundle_command->add_option("SOURCE", bundle_options->source, "e.g. playbooks/shipped/X.json")
        ->required();
    bundle_command
        ->add_option("--cluster", bundle_options->clusters,
                     "inventory cluster the playbook may run on (repeatable)")
        ->required()
        ->expected(1)
        ->take_all();
    bundle_command
        ->add_option("--valid-for", bundle_options->valid_for,
                     "how long the signed playbook stays valid")
        ->capture_default_str();
    bundle_command->add_option("--issued-at", bundle_options->issued_at,
                               "RFC 3339 start of validity (default now)");
    bundle_command->add_option("--lib-dir", bundle_options->lib_dir,
                               "where its libraries are (default SOURCE_DIR/../lib)");
    bundle_command->add_option("-O,--output", bundle_options->output,
                               "write here instead of standard output");
    bundle_command->callback([&context, bundle_options] { bundle(context, *bundle_options); });
}

} // namespace breakglass::cli
