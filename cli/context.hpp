#pragma once

#include "cli/exit_code.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace breakglass::cli {

/// Options every subcommand accepts, and what a command needs to reach settings and streams.
struct Context {
    std::string config_file;                               // --config
    std::map<std::string, std::vector<std::string>> flags; // setting key -> flag values
    int verbosity = 0;                                     // -v counts up, -q down
    config::EnvLookup env = config::process_environment();
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    ExitCode result = ExitCode::ok;
    std::vector<std::string> argv; // the command line as given, for "continue with" commands
    nlohmann::json audit_playbook; // the playbook a run uses (playbook_audit_fields), else null
    std::string run_id; // the audit run id, when made before the run (node_journal_params)

    /// Loads the config file and resolves every setting; throws Failure (exit 2 for a bad flag,
    /// 4 for a bad config file or environment variable).
    config::Settings settings() const;

    /// The same with a playbook's rollout block as defaults (below the config file; `origin`
    /// names the playbook). A value the setting cannot take throws Failure 5.
    config::Settings settings(const nlohmann::json& rollout, const std::string& origin) const;

    /// Every source's own value of `key` (a rollout limit is judged source by source), with a
    /// playbook's rollout block as the playbook layer. Throws Failure as settings() does.
    config::SettingLayers setting_layers(config::AnyKey key, const nlohmann::json& rollout,
                                         const std::string& origin) const;

    /// The config file that applies, and whether it was named explicitly.
    std::pair<std::string, bool> config_path() const;

private:
    config::SettingsInputs inputs(const nlohmann::json& rollout, const std::string& origin) const;

    /// The config file's contents (none when the default file does not exist), loaded on first
    /// use and kept; throws Failure 4 when it cannot be read or parsed.
    const std::optional<config::ConfigFile>& config_file_contents() const;

    mutable bool m_config_file_read = false;
    mutable std::optional<config::ConfigFile> m_config_file;
};

} // namespace breakglass::cli
