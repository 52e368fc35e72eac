#include "base/terminal_escape.hpp"
#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"

#include <filesystem>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

void show(const Context& context, const std::string& format) {
    const config::Settings settings = context.settings();
    auto [config_path, named] = context.config_path();
    std::error_code error;
    const bool exists = std::filesystem::exists(config_path, error);
    if (format == "json") {
        nlohmann::json document = {{"schema_version", 1},
                                   {"config_file", {{"path", config_path}, {"exists", exists}}}};
        nlohmann::json& values = document["settings"];
        for (const config::ResolvedSetting& setting : settings.all()) {
            values[setting.spec->key] = {{"value", config::json_value(setting)},
                                         {"source", config::to_string(setting.source)},
                                         {"origin", setting.origin}};
        }
        *context.out << document.dump(2) << '\n';
        return;
    }
    *context.out << "config file: " << base::escape_terminal_line(config_path)
                 << (exists ? "" : " (absent)") << "\n\n";
    std::size_t key_width = 0;
    std::size_t value_width = 0;
    for (const config::ResolvedSetting& setting : settings.all()) {
        key_width = std::max(key_width, setting.spec->key.size());
        value_width = std::max(value_width,
                               base::escape_terminal_line(config::display_value(setting)).size());
    }
    for (const config::ResolvedSetting& setting : settings.all()) {
        std::string origin = config::to_string(setting.source);
        if (setting.source != config::Source::built_in) {
            origin += " " + setting.origin;
        }
        *context.out << std::left << std::setw(int(key_width + 2)) << setting.spec->key
                     << std::setw(int(value_width + 2))
                     << base::escape_terminal_line(config::display_value(setting))
                     << base::escape_terminal_line(origin) << '\n';
    }
}

void check(const Context& context) {
    const config::Settings settings = context.settings();
    if (auto writable = config::ensure_writable_dir(settings.text("state_dir")); !writable) {
        throw Failure(ExitCode::config_or_state, "state directory " + writable.error());
    }
    *context.out << "config ok; state directory "
                 << base::escape_terminal_line(settings.text("state_dir")) << " is writable\n";
}

} // namespace

void register_config(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("config", "show or check the effective configuration");
    command->require_subcommand(1);

    auto* show_command =
        command->add_subcommand("show", "print every setting, its value and where it came from");
    auto format = std::make_shared<std::string>();
    add_output_flag(*show_command, *format, {"human", "json"});
    show_command->callback([&context, format] { show(context, *format); });

    auto* check_command = command->add_subcommand(
        "check", "validate the config file and prove the state directory is writable");
    check_command->callback([&context] { check(context); });
}

} // namespace breakglass::cli
