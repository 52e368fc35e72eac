#pragma once

#include "config/config_file.hpp"
#include "config/environment.hpp"
#include "config/setting_specs.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::config {

/// Where an effective value came from, lowest precedence first.
enum class Source { built_in, playbook, config_file, environment, flag };

std::string to_string(Source source);

struct Size {
    std::uint64_t bytes = 0;
    friend bool operator==(const Size&, const Size&) = default;
};

using SettingValue = std::variant<std::string, std::int64_t, std::chrono::milliseconds, Size, bool,
                                  std::vector<std::string>>;

struct ResolvedSetting {
    const SettingSpec* spec = nullptr;
    SettingValue value;
    Source source = Source::built_in;
    std::string origin; // "--parallel", "BREAKGLASS_PARALLEL", "/path/config.json:3:5", "default"
};

/// What the effective settings are made from. Flags are text as typed; a repeated flag gives
/// several values. A playbook's `rollout` block ranks between the config file and the defaults.
struct SettingsInputs {
    EnvLookup env;
    std::optional<ConfigFile> file;
    std::map<std::string, std::vector<std::string>> flags;
    std::map<std::string, nlohmann::json> playbook_defaults;
    std::string playbook_origin;
};

/// A setting that could not be resolved. `from_flag` marks a usage error (exit 2) rather than a
/// config error (exit 4); `from_playbook` a bad value in a playbook's rollout block (exit 5).
struct SettingsError {
    bool from_flag = false;
    std::string message;
    bool from_playbook = false;
};

/// The effective settings: every known key has a value and a source.
class Settings {
public:
    explicit Settings(std::vector<ResolvedSetting> resolved) : m_resolved(std::move(resolved)) {}

    // Keys are checked at compile time (config/setting_keys.hpp): a misspelt key, or one read
    // through the accessor of another type, does not build. The reference-returning accessors
    // are for named Settings only: on a temporary (`context.settings().text(...)`) the reference
    // would dangle once the statement ends, so those calls get a copy instead (a use-after-free
    // ASan found in `kubelet release`).
    const std::vector<ResolvedSetting>& all() const& { return m_resolved; }
    std::vector<ResolvedSetting> all() const&& { return m_resolved; }
    const ResolvedSetting& get(AnyKey key) const&;
    ResolvedSetting get(AnyKey key) const&& { return as_lvalue().get(key); }

    const std::string& text(TextKey key) const&;
    std::string text(TextKey key) const&& { return as_lvalue().text(key); }
    std::int64_t integer(IntegerKey key) const;
    std::chrono::milliseconds duration(DurationKey key) const;
    std::uint64_t size(SizeKey key) const;
    bool boolean(BooleanKey key) const;
    const std::vector<std::string>& list(ListKey key) const&;
    std::vector<std::string> list(ListKey key) const&& { return as_lvalue().list(key); }

private:
    const Settings& as_lvalue() const& { return *this; }
    const ResolvedSetting& find(std::string_view key) const;

    std::vector<ResolvedSetting> m_resolved;
};

/// Applies flag > environment > config file > playbook > built-in default to every setting.
/// Unknown config-file keys and values of the wrong type are errors naming file:line:column.
tl::expected<Settings, SettingsError> resolve_settings(const SettingsInputs& inputs);

/// Every source's own value of one setting, not only the winner's: a rollout limit is judged
/// source by source (an unsigned source may only tighten the signed one, see
/// rollout/limit_precedence.hpp). When a flag gives the setting, a config file or environment
/// value that cannot be parsed is left out instead of failing: under a flag it does not take
/// effect, and an incident is no time to make a responder fix a config file first.
struct SettingLayers {
    ResolvedSetting built_in;
    std::optional<ResolvedSetting> playbook;
    std::optional<ResolvedSetting> config_file;
    std::optional<ResolvedSetting> environment;
    std::optional<ResolvedSetting> flag;
};

/// The layers of `key`; an error as resolve_settings() would report it.
tl::expected<SettingLayers, SettingsError> setting_layers(const SettingsInputs& inputs, AnyKey key);

/// The value in the setting's own text syntax ("5s", "1MiB", "a,b").
std::string display_value(const ResolvedSetting& setting);

/// The value as JSON (durations in milliseconds, sizes in bytes).
nlohmann::json json_value(const ResolvedSetting& setting);

} // namespace breakglass::config
