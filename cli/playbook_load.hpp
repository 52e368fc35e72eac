#pragma once

#include "cli/failure.hpp"
#include "config/settings.hpp"
#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"
#include "playbooks/preflight.hpp"
#include "playbooks/signature_trust.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::cli {

/// The failure a preflight refusal ends the command with: exit 4 (config_or_state) for the
/// version record, exit 5 (playbook_refused) for everything else; the refusal's line as message.
Failure refusal_failure(const playbooks::PreflightRefusal& refusal);

/// FILE as given when it names a path (contains '/' or exists), else the first of NAME and
/// NAME.json in the playbooks setting's directory, /etc/breakglass/playbooks, the shipped
/// directory. Throws Failure 5 when nothing is found.
std::filesystem::path locate_playbook(const config::Settings& settings, const std::string& file);

/// NAME, else NAME.json, in the playbooks setting's directory, /etc/breakglass/playbooks, the
/// shipped directory; never the current directory, never a path. The error (exit 5) says why
/// not: not a name, or where it was looked for.
tl::expected<std::filesystem::path, std::string>
find_shipped_playbook(const config::Settings& settings, const std::string& name);

/// A playbook whose signature, schema and validity window were checked.
struct LoadedPlaybook {
    std::filesystem::path path;
    std::string signature_path;
    std::string allowed_signers_path;
    playbooks::VerifiedSignature signer;
    playbooks::Playbook playbook;
    std::string sha256;                        // hex, of the bytes verified
    std::vector<playbooks::BoundParam> params; // bound --param values (runs only)
};

/// The files FILE (see locate_playbook) is verified from: its signature (`signature`, default
/// FILE.sig) and the allowed_signers setting.
playbooks::PlaybookFiles playbook_files(const config::Settings& settings, const std::string& file,
                                        const std::string& signature);

/// playbooks::verify_playbook over playbook_files; a refusal throws (see refusal_failure).
LoadedPlaybook load_verified_playbook(const config::Settings& settings, const std::string& file,
                                      const std::string& signature,
                                      std::chrono::system_clock::time_point now);

/// Reads and parses FILE without its signature (for `playbook show`); throws Failure 5.
playbooks::Playbook load_unverified_playbook(const config::Settings& settings,
                                             const std::string& file);

/// state_dir/playbook-versions.json.
std::filesystem::path version_state_file(const config::Settings& settings);

/// Refuses (Failure 5) a version below the highest that ran here; Failure 4 for unreadable state.
void check_version_or_refuse(const config::Settings& settings, const playbooks::Playbook& playbook);

/// Binds --param values; throws Failure 5 naming the parameter.
std::vector<playbooks::BoundParam> bind_or_refuse(const playbooks::Playbook& playbook,
                                                  const std::vector<std::string>& assignments);

} // namespace breakglass::cli
