#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/setting_flags.hpp"
#include "playbooks/signature_trust.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::cli {

namespace {

// Bounds on what is read into memory; real playbooks, signatures and signer lists are far smaller.
constexpr std::uintmax_t k_max_playbook_bytes = 16U << 20U;
constexpr std::uintmax_t k_max_text_bytes = 1U << 20U;

struct VerifyOptions {
    std::string file;
    std::string signature; // empty: FILE.sig
    std::string format;
};

/// The whole file, or why it cannot be read.
tl::expected<std::string, std::string> read_file(const std::string& path, std::uintmax_t limit) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) {
        return tl::unexpected(path + ": " + error.message());
    }
    if (size > limit) {
        return tl::unexpected(path + ": larger than " + std::to_string(limit) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
        return tl::unexpected(path + ": cannot be read");
    }
    return bytes;
}

std::string read_or_refuse(const std::string& what, const std::string& path, std::uintmax_t limit) {
    auto bytes = read_file(path, limit);
    if (!bytes) {
        throw Failure(ExitCode::playbook_refused, what + " " + bytes.error());
    }
    return std::move(*bytes);
}

void verify(const Context& context, const VerifyOptions& options) {
    const config::Settings settings = context.settings();
    const std::string& allowed_path = settings.text("allowed_signers");
    const std::string signature_path =
        options.signature.empty() ? options.file + ".sig" : options.signature;

    const std::string file = read_or_refuse("playbook", options.file, k_max_playbook_bytes);
    const std::string signature = read_or_refuse("signature", signature_path, k_max_text_bytes);
    const std::string allowed = read_or_refuse("allowed_signers", allowed_path, k_max_text_bytes);

    auto verified = playbooks::verify_signature(file, signature, std::string_view(allowed));
    if (!verified) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + options.file + " refused (" +
                          std::string(playbooks::to_string(verified.error().kind)) +
                          "): " + verified.error().message);
    }
    if (options.format == "json") {
        const nlohmann::json document = {{"schema_version", 1},
                                         {"file", options.file},
                                         {"signature", signature_path},
                                         {"allowed_signers", allowed_path},
                                         {"verified", true},
                                         {"principal", verified->principal},
                                         {"fingerprint", verified->fingerprint},
                                         {"key_type", verified->key_type},
                                         {"signature_algorithm", verified->signature_algorithm},
                                         {"namespace", verified->name_space},
                                         {"hash", verified->hash_algorithm},
                                         {"allowed_signers_line", verified->allowed_signers_line}};
        *context.out << document.dump(2) << '\n';
        return;
    }
    *context.out << options.file << ": good signature\n"
                 << "principal:   " << verified->principal << '\n'
                 << "fingerprint: " << verified->fingerprint << '\n'
                 << "key type:    " << verified->key_type << " (" << verified->signature_algorithm
                 << ")\n"
                 << "namespace:   " << verified->name_space << '\n'
                 << "hash:        " << verified->hash_algorithm << '\n'
                 << "trusted by:  " << allowed_path << ':' << verified->allowed_signers_line
                 << '\n';
}

} // namespace

void register_playbook(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("playbook", "check playbooks before they run");
    command->require_subcommand(1);

    auto options = std::make_shared<VerifyOptions>();
    auto* verify_command = command->add_subcommand(
        "verify", "check FILE's ssh-keygen -Y signature against allowed_signers");
    verify_command->add_option("FILE", options->file, "the signed playbook")->required();
    verify_command->add_option("--signature", options->signature,
                               "armored SSH signature (default FILE.sig)");
    add_setting_flag(*verify_command, context, "allowed_signers");
    add_output_flag(*verify_command, options->format, {"human", "json"});
    verify_command->callback([&context, options] { verify(context, *options); });
}

} // namespace breakglass::cli
