#include "cli/setting_flags.hpp"

#include "config/setting_specs.hpp"

#include <stdexcept>

namespace breakglass::cli {

CLI::Option* add_setting_flag(CLI::App& command, Context& context, const std::string& key,
                              const std::string& extra_names) {
    const config::SettingSpec* spec = config::find_setting(key);
    if (spec == nullptr) {
        throw std::logic_error("no setting named " + key);
    }
    std::string names = config::flag_for(key);
    if (!extra_names.empty()) {
        names = extra_names + "," + names;
    }
    auto* option = command.add_option_function<std::vector<std::string>>(
        names,
        [&context, key](const std::vector<std::string>& values) { context.flags[key] = values; },
        spec->description);
    if (spec->type != config::SettingType::string_list) {
        option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
    return option;
}

CLI::Option* add_output_flag(CLI::App& command, std::string& format,
                             const std::vector<std::string>& choices) {
    format = choices.front();
    return command.add_option("-o,--output", format, "output format")
        ->check(CLI::IsMember(choices));
}

} // namespace breakglass::cli
