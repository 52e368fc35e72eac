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

config::SettingsInputs Context::inputs(const nlohmann::json& rollout,
                                       const std::string& origin) const {
    std::map<std::string, nlohmann::json> defaults;
    for (const auto& [key, value] : rollout.items()) {
        defaults.emplace(key, value);
    }
    return {env, config_file_contents(), flags, std::move(defaults), origin};
}

namespace {

Failure settings_failure(const config::SettingsError& error) {
    return {error.from_playbook ? ExitCode::playbook_refused
            : error.from_flag   ? ExitCode::usage
                                : ExitCode::config_or_state,
            error.message};
}

} // namespace

config::Settings Context::settings(const nlohmann::json& rollout, const std::string& origin) const {
    auto resolved = config::resolve_settings(inputs(rollout, origin));
    if (!resolved) {
        throw settings_failure(resolved.error());
    }
    return std::move(*resolved);
}

config::SettingLayers Context::setting_layers(config::AnyKey key, const nlohmann::json& rollout,
                                              const std::string& origin) const {
    auto layers = config::setting_layers(inputs(rollout, origin), key);
    if (!layers) {
        throw settings_failure(layers.error());
    }
    return std::move(*layers);
}

} // namespace breakglass::cli
