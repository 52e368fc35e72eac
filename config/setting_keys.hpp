#pragma once

#include <array>
#include <string_view>

namespace breakglass::config {

enum class SettingType { string, path, integer, duration, size, boolean, string_list };

struct SettingKeyType {
    std::string_view key;
    SettingType type;
};

/// Every setting's key and type: the one list the compile-time checks below and the specs
/// (setting_specs.cpp: descriptions and defaults) are made from.
inline constexpr std::array k_setting_key_types{
    SettingKeyType{"inventory", SettingType::path},
    SettingKeyType{"state_dir", SettingType::path},
    SettingKeyType{"playbooks", SettingType::path},
    SettingKeyType{"allowed_signers", SettingType::path},
    SettingKeyType{"known_hosts", SettingType::path},
    SettingKeyType{"identity", SettingType::string_list},
    SettingKeyType{"user", SettingType::string},
    SettingKeyType{"become", SettingType::string},
    SettingKeyType{"parallel", SettingType::integer},
    SettingKeyType{"jump", SettingType::string},
    SettingKeyType{"jump_parallel", SettingType::integer},
    SettingKeyType{"rate", SettingType::integer},
    SettingKeyType{"connect_timeout", SettingType::duration},
    SettingKeyType{"handshake_timeout", SettingType::duration},
    SettingKeyType{"timeout", SettingType::duration},
    SettingKeyType{"deadline", SettingType::duration},
    SettingKeyType{"max_output", SettingType::size},
    SettingKeyType{"runtime_socket", SettingType::string},
    SettingKeyType{"kubelet_unit", SettingType::string},
    SettingKeyType{"drill_exercise_daemonsets", SettingType::string_list},
    SettingKeyType{"stale_warn", SettingType::duration},
    SettingKeyType{"stale_refuse", SettingType::duration},
    SettingKeyType{"canary", SettingType::integer},
    SettingKeyType{"waves", SettingType::string},
    SettingKeyType{"max_failures", SettingType::string},
    SettingKeyType{"pause", SettingType::duration},
    SettingKeyType{"audit_log", SettingType::path},
    SettingKeyType{"audit_key", SettingType::path},
};

/// A setting named in the source: a misspelt key, or a key read through an accessor of another
/// type (`settings.integer("user")`), does not compile. The check runs in the compiler (consteval):
/// reaching the `throw` makes the call not a constant expression, which is the error.
template <SettingType... Accepted> class SettingKey {
public:
    template <std::size_t N>
    consteval SettingKey(const char (&key)[N]) : m_key(key, N - 1) { // NOLINT: implicit by design
        for (const SettingKeyType& known : k_setting_key_types) {
            if (known.key == m_key) {
                if (((known.type == Accepted) || ...)) {
                    return;
                }
                throw "this setting has another type: use its own accessor";
            }
        }
        throw "no setting has this key (config/setting_keys.hpp lists them)";
    }

    std::string_view key() const { return m_key; }

private:
    std::string_view m_key;
};

using TextKey = SettingKey<SettingType::string, SettingType::path>;
using IntegerKey = SettingKey<SettingType::integer>;
using DurationKey = SettingKey<SettingType::duration>;
using SizeKey = SettingKey<SettingType::size>;
using BooleanKey = SettingKey<SettingType::boolean>;
using ListKey = SettingKey<SettingType::string_list>;
using AnyKey =
    SettingKey<SettingType::string, SettingType::path, SettingType::integer, SettingType::duration,
               SettingType::size, SettingType::boolean, SettingType::string_list>;

} // namespace breakglass::config
