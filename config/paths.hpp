#pragma once

#include "config/environment.hpp"

#include <filesystem>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::config {

/// $HOME, else the password database's home for this user, else "/".
std::filesystem::path home_dir(const EnvLookup& env);

/// $XDG_CONFIG_HOME/breakglass, else ~/.config/breakglass.
std::filesystem::path config_dir(const EnvLookup& env);

/// $XDG_STATE_HOME/breakglass, else ~/.local/state/breakglass.
std::filesystem::path default_state_dir(const EnvLookup& env);

/// The config file named explicitly ($BREAKGLASS_CONFIG), if any. An explicit file must exist;
/// the default one (config_dir()/config.json) may be absent.
std::optional<std::filesystem::path> explicit_config_file(const EnvLookup& env);

/// config_dir()/config.json.
std::filesystem::path default_config_file(const EnvLookup& env);

/// Directories searched for playbooks after --playbooks: /etc first, then the installed share
/// directory.
std::filesystem::path system_playbooks_dir();
std::filesystem::path shipped_playbooks_dir();

} // namespace breakglass::config

namespace breakglass::config {

/// Creates `dir` (and parents, mode 0700) if missing, checks it as OpenSSH's StrictModes checks
/// ~/.ssh (owned by the effective user, not writable by group or others: anyone else who can
/// write there could plant or swap the files breakglass trusts) and proves it writable by
/// creating and removing a file in it. Never changes the mode of an existing directory (a
/// chmod would follow a symlink to wherever it points). The error names the directory and why.
tl::expected<void, std::string> ensure_writable_dir(const std::filesystem::path& dir);

} // namespace breakglass::config
