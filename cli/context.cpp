#include "cli/context.hpp"

#include "cli/failure.hpp"
#include "config/paths.hpp"

namespace breakglass::cli {

std::pair<std::string, bool> Context::config_path() const {
    if (!config_file.empty()) {
        return {config_file, true};
    }
    if (auto named = config::explicit_config_file(env)) {
        return {named->string(), true};
    }
    return {config::default_config_file(env).string(), false};
}

const std::optional<config::ConfigFile>& Context::config_file_contents() const {
    // Read once per command: every later resolution (with or without a playbook's rollout
    // block) sees the same file, even if it changes on disk meanwhile.
    if (!m_config_file_read) {
        auto [path, must_exist] = config_path();
        auto file = config::load_config_file(path, must_exist);
        if (!file) {
            throw Failure(ExitCode::config_or_state, file.error());
        }
        m_config_file = std::move(*file);
        m_config_file_read = true;
    }
    return m_config_file;
}

config::Settings Context::settings() const {
    return settings(nlohmann::json::object(), "");
}

config::Settings Context::settings(const nlohmann::json& rollout, const std::string& origin) const {
    std::map<std::string, nlohmann::json> defaults;
    for (const auto& [key, value] : rollout.items()) {
        defaults.emplace(key, value);
    }
    config::SettingsInputs inputs{env, config_file_contents(), flags, std::move(defaults), origin};
    auto resolved = config::resolve_settings(inputs);
    if (!resolved) {
        throw Failure(resolved.error().from_playbook ? ExitCode::playbook_refused
                      : resolved.error().from_flag   ? ExitCode::usage
                                                     : ExitCode::config_or_state,
                      resolved.error().message);
    }
    return std::move(*resolved);
}

} // namespace breakglass::cli
