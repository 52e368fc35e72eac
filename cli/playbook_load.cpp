#include "cli/playbook_load.hpp"

#include "config/paths.hpp"

namespace breakglass::cli {

Failure refusal_failure(const playbooks::PreflightRefusal& refusal) {
    return {refusal.kind == playbooks::PreflightRefusalKind::state ? ExitCode::config_or_state
                                                                   : ExitCode::playbook_refused,
            refusal.message};
}

std::filesystem::path locate_playbook(const config::Settings& settings, const std::string& file) {
    if (file.find('/') != std::string::npos || std::filesystem::exists(file)) {
        return file;
    }
    auto found = find_shipped_playbook(settings, file);
    if (!found) {
        throw Failure(ExitCode::playbook_refused, found.error());
    }
    return std::move(*found);
}

tl::expected<std::filesystem::path, std::string>
find_shipped_playbook(const config::Settings& settings, const std::string& name) {
    if (name.find('/') != std::string::npos || name.empty() || name[0] == '.') {
        return tl::unexpected("playbook name '" + name + "' is not a name");
    }
    std::vector<std::filesystem::path> dirs;
    if (!settings.text("playbooks").empty()) {
        dirs.emplace_back(settings.text("playbooks"));
    }
    dirs.push_back(config::system_playbooks_dir());
    dirs.push_back(config::shipped_playbooks_dir());
    for (const auto& dir : dirs) {
        for (const std::string& candidate : {name, name + ".json"}) {
            if (std::filesystem::is_regular_file(dir / candidate)) {
                return dir / candidate;
            }
        }
    }
    return tl::unexpected("playbook " + name +
                          " not found (no such file, and not in --playbooks, " +
                          config::system_playbooks_dir().string() + " or " +
                          config::shipped_playbooks_dir().string() + ")");
}

playbooks::PlaybookFiles playbook_files(const config::Settings& settings, const std::string& file,
                                        const std::string& signature) {
    playbooks::PlaybookFiles files;
    files.playbook = locate_playbook(settings, file);
    files.signature = signature.empty() ? files.playbook.string() + ".sig" : signature;
    files.allowed_signers = settings.text("allowed_signers");
    return files;
}

LoadedPlaybook load_verified_playbook(const config::Settings& settings, const std::string& file,
                                      const std::string& signature,
                                      std::chrono::system_clock::time_point now) {
    const playbooks::PlaybookFiles files = playbook_files(settings, file, signature);
    auto verified = playbooks::verify_playbook(files, now);
    if (!verified) {
        throw refusal_failure(verified.error());
    }
    return {files.playbook,
            files.signature.string(),
            files.allowed_signers.string(),
            std::move(verified->signer),
            std::move(verified->playbook),
            std::move(verified->sha256),
            {}};
}

playbooks::Playbook load_unverified_playbook(const config::Settings& settings,
                                             const std::string& file) {
    auto playbook = playbooks::read_unverified_playbook(locate_playbook(settings, file));
    if (!playbook) {
        throw refusal_failure(playbook.error());
    }
    return std::move(*playbook);
}

std::filesystem::path version_state_file(const config::Settings& settings) {
    return std::filesystem::path(settings.text("state_dir")) / "playbook-versions.json";
}

void check_version_or_refuse(const config::Settings& settings,
                             const playbooks::Playbook& playbook) {
    if (auto allowed = playbooks::check_recorded_version(version_state_file(settings), playbook);
        !allowed) {
        throw refusal_failure(allowed.error());
    }
}

std::vector<playbooks::BoundParam> bind_or_refuse(const playbooks::Playbook& playbook,
                                                  const std::vector<std::string>& assignments) {
    auto bound = playbooks::bind_assignments(playbook, assignments);
    if (!bound) {
        throw refusal_failure(bound.error());
    }
    return std::move(*bound);
}

} // namespace breakglass::cli
