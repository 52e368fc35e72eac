#include "config/settings.hpp"

#include "config/units.hpp"

#include <charconv>
#include <stdexcept>

namespace breakglass::config {

std::string to_string(Source source) {
    switch (source) {
    case Source::built_in:
        return "default";
    case Source::playbook:
        return "playbook";
    case Source::config_file:
        return "config";
    case Source::environment:
        return "env";
    case Source::flag:
        return "flag";
    }
    return "unknown";
}

namespace {

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        std::string part =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) {
            parts.push_back(part);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return parts;
}

tl::expected<std::int64_t, std::string> parse_integer(const std::string& text,
                                                      const SettingSpec& spec) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return tl::unexpected("expected a whole number, got '" + text + "'");
    }
    if (value < spec.min_integer) {
        return tl::unexpected("must be at least " + std::to_string(spec.min_integer) + ", got " +
                              text);
    }
    return value;
}

// Text comes from flags, environment variables and built-in defaults.
tl::expected<SettingValue, std::string> parse_text(const SettingSpec& spec,
                                                   const std::vector<std::string>& texts) {
    const std::string& text = texts.back();
    switch (spec.type) {
    case SettingType::string:
    case SettingType::path:
        return SettingValue{text};
    case SettingType::integer:
        return parse_integer(text, spec).map([](std::int64_t v) { return SettingValue{v}; });
    case SettingType::duration:
        return parse_duration(text).map([](auto v) { return SettingValue{v}; });
    case SettingType::size:
        return parse_size(text).map([](std::uint64_t v) { return SettingValue{Size{v}}; });
    case SettingType::boolean:
        if (text == "true" || text == "1" || text == "yes") {
            return SettingValue{true};
        }
        if (text == "false" || text == "0" || text == "no") {
            return SettingValue{false};
        }
        return tl::unexpected("expected true or false, got '" + text + "'");
    case SettingType::string_list: {
        std::vector<std::string> all;
        for (const std::string& each : texts) {
            for (std::string& part : split_commas(each)) {
                all.push_back(std::move(part));
            }
        }
        return SettingValue{all};
    }
    }
    return tl::unexpected(std::string("unknown setting type"));
}

// JSON comes from the config file and a playbook's rollout block.
tl::expected<SettingValue, std::string> parse_json(const SettingSpec& spec,
                                                   const nlohmann::json& value) {
    switch (spec.type) {
    case SettingType::string:
    case SettingType::path:
        if (!value.is_string()) {
            return tl::unexpected(std::string("expected a string"));
        }
        return SettingValue{value.get<std::string>()};
    case SettingType::integer:
        if (!value.is_number_integer()) {
            return tl::unexpected(std::string("expected a whole number"));
        }
        return parse_text(spec, {std::to_string(value.get<std::int64_t>())});
    case SettingType::duration:
    case SettingType::size:
        if (value.is_number_unsigned()) {
            return parse_text(spec, {std::to_string(value.get<std::uint64_t>())});
        }
        if (!value.is_string()) {
            return tl::unexpected(std::string(spec.type == SettingType::duration
                                                  ? "expected a duration string such as \"5s\""
                                                  : "expected a size such as \"1MiB\""));
        }
        return parse_text(spec, {value.get<std::string>()});
    case SettingType::boolean:
        if (!value.is_boolean()) {
            return tl::unexpected(std::string("expected true or false"));
        }
        return SettingValue{value.get<bool>()};
    case SettingType::string_list: {
        if (!value.is_array()) {
            return tl::unexpected(std::string("expected an array of strings"));
        }
        std::vector<std::string> items;
        for (const auto& item : value) {
            if (!item.is_string()) {
                return tl::unexpected(std::string("expected an array of strings"));
            }
            items.push_back(item.get<std::string>());
        }
        return SettingValue{items};
    }
    }
    return tl::unexpected(std::string("unknown setting type"));
}

const nlohmann::json* file_value(const std::optional<ConfigFile>& file, const std::string& key) {
    if (!file) {
        return nullptr;
    }
    auto found = file->values.find(key);
    return found == file->values.end() ? nullptr : &found->second;
}

// The value `source` gives the setting, nullopt when it gives none (the built-in default always
// gives one). A value the setting cannot take is an error naming where it was written.
std::optional<tl::expected<ResolvedSetting, SettingsError>>
value_from(const SettingSpec& spec, const SettingsInputs& inputs, Source source) {
    ResolvedSetting setting{&spec, {}, source, "default"};
    tl::expected<SettingValue, std::string> value = tl::unexpected(std::string());
    std::string where;
    switch (source) {
    case Source::flag: {
        auto flag = inputs.flags.find(spec.key);
        if (flag == inputs.flags.end() || flag->second.empty()) {
            return std::nullopt;
        }
        setting.origin = flag_for(spec.key);
        where = setting.origin;
        value = parse_text(spec, flag->second);
        break;
    }
    case Source::environment: {
        const std::string env_name = environment_variable_for(spec.key);
        auto env = inputs.env(env_name);
        if (!env) {
            return std::nullopt;
        }
        setting.origin = env_name;
        where = "environment variable " + env_name;
        value = parse_text(spec, {*env});
        break;
    }
    case Source::config_file: {
        const nlohmann::json* in_file = file_value(inputs.file, spec.key);
        if (in_file == nullptr) {
            return std::nullopt;
        }
        setting.origin = inputs.file->location_of(spec.key);
        where = setting.origin + ": " + spec.key;
        value = parse_json(spec, *in_file);
        break;
    }
    case Source::playbook: {
        auto in_playbook = inputs.playbook_defaults.find(spec.key);
        if (in_playbook == inputs.playbook_defaults.end()) {
            return std::nullopt;
        }
        setting.origin = inputs.playbook_origin;
        where = "playbook " + inputs.playbook_origin + " rollout." + spec.key;
        value = parse_json(spec, in_playbook->second);
        break;
    }
    case Source::built_in:
        where = "built-in default of " + spec.key;
        value = parse_text(spec, {spec.default_text(inputs.env)});
        break;
    }
    if (!value) {
        return tl::unexpected(SettingsError{source == Source::flag, where + ": " + value.error(),
                                            source == Source::playbook});
    }
    setting.value = std::move(*value);
    return setting;
}

} // namespace

tl::expected<Settings, SettingsError> resolve_settings(const SettingsInputs& inputs) {
    if (inputs.file) {
        for (const auto& [key, value] : inputs.file->values) {
            if (key == "schema_version") {
                if (value != 1) {
                    return tl::unexpected(SettingsError{false, inputs.file->location_of(key) +
                                                                   ": schema_version must be 1"});
                }
                continue;
            }
            if (find_setting(key) == nullptr) {
                return tl::unexpected(SettingsError{false, inputs.file->location_of(key) +
                                                               ": unknown key '" + key + "'"});
            }
        }
    }
    for (const auto& [key, values] : inputs.flags) {
        if (find_setting(key) == nullptr) {
            throw std::logic_error("flag for unknown setting " + key);
        }
    }

    std::vector<ResolvedSetting> resolved;
    for (const SettingSpec& spec : setting_specs()) {
        // The highest-ranked source that has a value wins.
        std::optional<tl::expected<ResolvedSetting, SettingsError>> winner;
        for (Source source : {Source::flag, Source::environment, Source::config_file,
                              Source::playbook, Source::built_in}) {
            if ((winner = value_from(spec, inputs, source))) {
                break;
            }
        }
        if (!*winner) {
            return tl::unexpected(winner->error());
        }
        resolved.push_back(std::move(**winner));
    }
    return Settings(std::move(resolved));
}

tl::expected<SettingLayers, SettingsError> setting_layers(const SettingsInputs& inputs,
                                                          AnyKey key) {
    const SettingSpec* spec = find_setting(std::string(key.key()));
    SettingLayers layers;
    // Under a flag, the config file's and environment's values do not take effect: one they
    // cannot parse is left out rather than refusing the run (see SettingLayers).
    const bool flag_given = value_from(*spec, inputs, Source::flag).has_value();
    for (Source source : {Source::built_in, Source::playbook, Source::config_file,
                          Source::environment, Source::flag}) {
        auto value = value_from(*spec, inputs, source);
        if (!value) {
            continue;
        }
        if (!*value) {
            if (flag_given && (source == Source::config_file || source == Source::environment)) {
                continue;
            }
            return tl::unexpected(value->error());
        }
        switch (source) {
        case Source::built_in:
            layers.built_in = std::move(**value);
            break;
        case Source::playbook:
            layers.playbook = std::move(**value);
            break;
        case Source::config_file:
            layers.config_file = std::move(**value);
            break;
        case Source::environment:
            layers.environment = std::move(**value);
            break;
        case Source::flag:
            layers.flag = std::move(**value);
            break;
        }
    }
    return layers;
}

const ResolvedSetting& Settings::find(std::string_view key) const {
    for (const ResolvedSetting& setting : m_resolved) {
        if (setting.spec->key == key) {
            return setting;
        }
    }
    // Unreachable: every key that compiles has a spec (ConfigSettingKeys unit test).
    throw std::logic_error("unknown setting " + std::string(key));
}

const ResolvedSetting& Settings::get(AnyKey key) const& {
    return find(key.key());
}
const std::string& Settings::text(TextKey key) const& {
    return std::get<std::string>(find(key.key()).value);
}
std::int64_t Settings::integer(IntegerKey key) const {
    return std::get<std::int64_t>(find(key.key()).value);
}
std::chrono::milliseconds Settings::duration(DurationKey key) const {
    return std::get<std::chrono::milliseconds>(find(key.key()).value);
}
std::uint64_t Settings::size(SizeKey key) const {
    return std::get<Size>(find(key.key()).value).bytes;
}
bool Settings::boolean(BooleanKey key) const {
    return std::get<bool>(find(key.key()).value);
}
const std::vector<std::string>& Settings::list(ListKey key) const& {
    return std::get<std::vector<std::string>>(find(key.key()).value);
}

std::string display_value(const ResolvedSetting& setting) {
    struct Visitor {
        std::string operator()(const std::string& v) const { return v; }
        std::string operator()(std::int64_t v) const { return std::to_string(v); }
        std::string operator()(std::chrono::milliseconds v) const { return format_duration(v); }
        std::string operator()(Size v) const { return format_size(v.bytes); }
        std::string operator()(bool v) const { return v ? "true" : "false"; }
        std::string operator()(const std::vector<std::string>& v) const {
            std::string joined;
            for (const std::string& item : v) {
                joined += joined.empty() ? item : "," + item;
            }
            return joined;
        }
    };
    return std::visit(Visitor{}, setting.value);
}

nlohmann::json json_value(const ResolvedSetting& setting) {
    struct Visitor {
        nlohmann::json operator()(const std::string& v) const { return v; }
        nlohmann::json operator()(std::int64_t v) const { return v; }
        nlohmann::json operator()(std::chrono::milliseconds v) const { return v.count(); }
        nlohmann::json operator()(Size v) const { return v.bytes; }
        nlohmann::json operator()(bool v) const { return v; }
        nlohmann::json operator()(const std::vector<std::string>& v) const { return v; }
    };
    return std::visit(Visitor{}, setting.value);
}

} // namespace breakglass::config
