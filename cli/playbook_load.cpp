#include "cli/playbook_load.hpp"

#include "cli/failure.hpp"
#include "config/paths.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/version_state.hpp"

#include <fstream>

namespace breakglass::cli {

namespace {

// Bounds on what is read into memory; real playbooks, signatures and signer lists are far smaller.
constexpr std::uintmax_t k_max_playbook_bytes = 16U << 20U;
constexpr std::uintmax_t k_max_text_bytes = 1U << 20U;

std::string read_or_refuse(const std::string& what, const std::string& path, std::uintmax_t limit) {
    auto bytes = read_bounded(path, limit);
    if (!bytes) {
        throw Failure(ExitCode::playbook_refused, what + " " + bytes.error());
    }
    return std::move(*bytes);
}

playbooks::Playbook parse_or_refuse(const std::string& path, const std::string& text) {
    auto parsed = playbooks::parse_playbook(text);
    if (!parsed) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + path + " refused (schema): " + parsed.error());
    }
    return std::move(*parsed);
}

} // namespace

tl::expected<std::string, std::string> read_bounded(const std::string& path, std::uintmax_t limit) {
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

std::filesystem::path locate_playbook(const config::Settings& settings, const std::string& file) {
    if (file.find('/') != std::string::npos || std::filesystem::exists(file)) {
        return file;
    }
    return locate_shipped_playbook(settings, file);
}

std::filesystem::path locate_shipped_playbook(const config::Settings& settings,
                                              const std::string& file) {
    if (file.find('/') != std::string::npos || file.empty() || file[0] == '.') {
        throw Failure(ExitCode::playbook_refused, "playbook name '" + file + "' is not a name");
    }
    std::vector<std::filesystem::path> dirs;
    if (!settings.text("playbooks").empty()) {
        dirs.emplace_back(settings.text("playbooks"));
    }
    dirs.push_back(config::system_playbooks_dir());
    dirs.push_back(config::shipped_playbooks_dir());
    for (const auto& dir : dirs) {
        for (const std::string& candidate : {file, file + ".json"}) {
            if (std::filesystem::is_regular_file(dir / candidate)) {
                return dir / candidate;
            }
        }
    }
    throw Failure(ExitCode::playbook_refused,
                  "playbook " + file + " not found (no such file, and not in --playbooks, " +
                      config::system_playbooks_dir().string() + " or " +
                      config::shipped_playbooks_dir().string() + ")");
}

LoadedPlaybook load_verified_playbook(const config::Settings& settings, const std::string& file,
                                      const std::string& signature,
                                      std::chrono::system_clock::time_point now) {
    LoadedPlaybook loaded;
    loaded.path = locate_playbook(settings, file);
    const std::string path = loaded.path.string();
    loaded.signature_path = signature.empty() ? path + ".sig" : signature;
    loaded.allowed_signers_path = settings.text("allowed_signers");

    const std::string text = read_or_refuse("playbook", path, k_max_playbook_bytes);
    const std::string armored =
        read_or_refuse("signature", loaded.signature_path, k_max_text_bytes);
    const std::string allowed =
        read_or_refuse("allowed_signers", loaded.allowed_signers_path, k_max_text_bytes);

    playbooks::TrustQuery query;
    query.now = now;
    auto verified = playbooks::verify_signature(text, armored, std::string_view(allowed), query);
    if (!verified) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + path + " refused (" +
                          std::string(playbooks::to_string(verified.error().kind)) +
                          "): " + verified.error().message);
    }
    loaded.signer = std::move(*verified);
    loaded.playbook = parse_or_refuse(path, text);
    if (auto valid = playbooks::check_validity(loaded.playbook, now); !valid) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + path + " refused (" +
                          (valid.error().starts_with("expired") ? "expired" : "not_yet_valid") +
                          "): " + valid.error());
    }
    return loaded;
}

playbooks::Playbook load_unverified_playbook(const config::Settings& settings,
                                             const std::string& file) {
    const std::string path = locate_playbook(settings, file).string();
    return parse_or_refuse(path, read_or_refuse("playbook", path, k_max_playbook_bytes));
}

std::filesystem::path version_state_file(const config::Settings& settings) {
    return std::filesystem::path(settings.text("state_dir")) / "playbook-versions.json";
}

void check_version_or_refuse(const config::Settings& settings,
                             const playbooks::Playbook& playbook) {
    auto state = playbooks::load_version_state(version_state_file(settings));
    if (!state) {
        throw Failure(ExitCode::config_or_state, state.error());
    }
    if (auto allowed = playbooks::check_version(*state, playbook); !allowed) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + playbook.name + " refused (rollback): " + allowed.error());
    }
}

std::vector<playbooks::BoundParam> bind_or_refuse(const playbooks::Playbook& playbook,
                                                  const std::vector<std::string>& assignments) {
    auto bound = playbooks::bind_parameters(playbook, assignments);
    if (!bound) {
        throw Failure(ExitCode::playbook_refused,
                      "playbook " + playbook.name + " refused (parameter): " + bound.error());
    }
    return std::move(*bound);
}

} // namespace breakglass::cli
