#pragma once

#include "config/environment.hpp"
#include "config/setting_keys.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace breakglass::config {

/// One configurable setting. Its environment variable is BREAKGLASS_<KEY>, its flag --<key>
/// with dashes; the config file uses the key itself.
struct SettingSpec {
    std::string key;
    SettingType type;
    std::string description;
    /// The built-in default as text in the setting's own syntax; may depend on the environment
    /// (paths under the XDG directories). Empty text means "unset".
    std::function<std::string(const EnvLookup&)> default_text;
    std::int64_t min_integer = 0; // for integer settings
};

/// Every setting breakglass knows, in the order `config show` prints them.
std::span<const SettingSpec> setting_specs();

/// The spec for `key`, or nullptr.
const SettingSpec* find_setting(const std::string& key);

/// "BREAKGLASS_CONNECT_TIMEOUT" for "connect_timeout".
std::string environment_variable_for(const std::string& key);

/// "--connect-timeout" for "connect_timeout".
std::string flag_for(const std::string& key);

} // namespace breakglass::config
