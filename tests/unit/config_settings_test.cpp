#include "config/paths.hpp"
#include "config/settings.hpp"

#include <gtest/gtest.h>

using namespace breakglass::config;

namespace {

SettingsInputs inputs_with(std::map<std::string, std::string> env) {
    SettingsInputs inputs;
    env.emplace("HOME", "/home/responder");
    inputs.env = fixed_environment(std::move(env));
    return inputs;
}

ConfigFile file_from(const std::string& text) {
    return parse_config_text("/etc/bg/config.json", text).value();
}

} // namespace

TEST(ConfigSettings, DefaultsFollowXdgDirectories) {
    auto settings = resolve_settings(inputs_with({{"XDG_STATE_HOME", "/var/state"}})).value();
    EXPECT_EQ(settings.text("state_dir"), "/var/state/breakglass");
    EXPECT_EQ(settings.text("inventory"), "/home/responder/.config/breakglass/inventory.json");
    EXPECT_EQ(settings.integer("parallel"), 64);
    EXPECT_EQ(settings.duration("connect_timeout"), std::chrono::seconds(5));
    EXPECT_EQ(settings.size("max_output"), 1U << 20U);
    EXPECT_EQ(settings.get("parallel").source, Source::built_in);
}

TEST(ConfigSettings, RelativeXdgValueIsIgnored) {
    auto env = fixed_environment({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "relative/dir"}});
    EXPECT_EQ(config_dir(env), "/h/.config/breakglass");
}

TEST(ConfigSettings, FlagBeatsEnvironmentBeatsFileBeatsPlaybookBeatsDefault) {
    auto inputs = inputs_with({{"BREAKGLASS_PARALLEL", "32"}, {"BREAKGLASS_RATE", "7"}});
    inputs.file = file_from(R"({"parallel": 16, "rate": 3, "timeout": "30s", "deadline": "1m"})");
    inputs.playbook_defaults = {{"deadline", "10m"}, {"max_output", "2MiB"}};
    inputs.playbook_origin = "daemonset-freeze";
    inputs.flags = {{"parallel", {"8"}}};
    auto settings = resolve_settings(inputs).value();

    EXPECT_EQ(settings.integer("parallel"), 8);
    EXPECT_EQ(settings.get("parallel").source, Source::flag);
    EXPECT_EQ(settings.integer("rate"), 7);
    EXPECT_EQ(settings.get("rate").origin, "BREAKGLASS_RATE");
    EXPECT_EQ(settings.duration("timeout"), std::chrono::seconds(30));
    EXPECT_EQ(settings.get("timeout").origin, "/etc/bg/config.json:1:29");
    EXPECT_EQ(settings.duration("deadline"), std::chrono::minutes(1));
    EXPECT_EQ(settings.size("max_output"), 2U << 20U);
    EXPECT_EQ(settings.get("max_output").source, Source::playbook);
}

TEST(ConfigSettings, UnknownKeyNamesLineAndColumn) {
    auto inputs = inputs_with({});
    inputs.file = file_from("{\n  \"parallel\": 4,\n  \"paralel\": 5\n}\n");
    auto result = resolve_settings(inputs);
    ASSERT_FALSE(result.has_value());
    EXPECT_FALSE(result.error().from_flag);
    EXPECT_EQ(result.error().message, "/etc/bg/config.json:3:3: unknown key 'paralel'");
}

TEST(ConfigSettings, MalformedJsonNamesLineAndColumn) {
    auto parsed = parse_config_text("/c.json", "{\n  \"parallel\": 4,\n  oops\n}\n");
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().rfind("/c.json:3:3: invalid JSON: ", 0), 0U) << parsed.error();
}

TEST(ConfigSettings, NonObjectConfigIsRejected) {
    EXPECT_FALSE(parse_config_text("/c.json", "[1,2]").has_value());
}

TEST(ConfigSettings, WrongTypeInFileIsAConfigError) {
    auto inputs = inputs_with({});
    inputs.file = file_from(R"({"parallel": "many"})");
    auto result = resolve_settings(inputs);
    ASSERT_FALSE(result.has_value());
    EXPECT_FALSE(result.error().from_flag);
    EXPECT_NE(result.error().message.find("/etc/bg/config.json:1:2: parallel: expected a whole"),
              std::string::npos)
        << result.error().message;
}

TEST(ConfigSettings, BadFlagValueIsAUsageError) {
    auto inputs = inputs_with({});
    inputs.flags = {{"connect_timeout", {"soon"}}};
    auto result = resolve_settings(inputs);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().from_flag);
    EXPECT_NE(result.error().message.find("--connect-timeout"), std::string::npos);
}

TEST(ConfigSettings, IntegerBelowMinimumIsRejected) {
    auto inputs = inputs_with({{"BREAKGLASS_PARALLEL", "0"}});
    auto result = resolve_settings(inputs);
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find("BREAKGLASS_PARALLEL"), std::string::npos);
}

TEST(ConfigSettings, RepeatedListFlagAccumulates) {
    auto inputs = inputs_with({{"BREAKGLASS_IDENTITY", "/env/key"}});
    inputs.flags = {{"identity", {"/a", "/b,/c"}}};
    auto settings = resolve_settings(inputs).value();
    EXPECT_EQ(settings.list("identity"), (std::vector<std::string>{"/a", "/b", "/c"}));
}

TEST(ConfigSettings, EnvironmentAndFlagNames) {
    EXPECT_EQ(environment_variable_for("connect_timeout"), "BREAKGLASS_CONNECT_TIMEOUT");
    EXPECT_EQ(flag_for("connect_timeout"), "--connect-timeout");
}

TEST(ConfigPaths, UnwritableStateDirIsReported) {
    auto result = ensure_writable_dir("/proc/version/state");
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().find("/proc/version/state"), std::string::npos);
}

TEST(ConfigFile, RepeatedKeyIsRefusedAtItsSecondPlace) {
    auto parsed =
        parse_config_text("/etc/bg/config.json", "{\n  \"parallel\": 8,\n  \"parallel\": 900\n}\n");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), "/etc/bg/config.json:3:3: key 'parallel' appears twice");
}

// The key table the compile-time checks use and the specs `config show` prints are one list.
TEST(ConfigSettingKeys, EveryKeyHasASpecOfItsTypeInTheSameOrder) {
    const auto specs = setting_specs();
    ASSERT_EQ(specs.size(), k_setting_key_types.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
        EXPECT_EQ(specs[i].key, k_setting_key_types[i].key);
        EXPECT_EQ(specs[i].type, k_setting_key_types[i].type) << specs[i].key;
    }
}

TEST(ConfigSettingKeys, TypedAccessorsReadTheResolvedValues) {
    SettingsInputs inputs = inputs_with({});
    inputs.flags = {{"user", {"ops"}}, {"parallel", {"7"}}};
    auto settings = resolve_settings(inputs);
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->text("user"), "ops");
    EXPECT_EQ(settings->integer("parallel"), 7);
    EXPECT_EQ(settings->duration("timeout"), std::chrono::minutes(5));
    EXPECT_EQ(settings->size("max_output"), 1024U * 1024U);
    EXPECT_TRUE(settings->list("identity").empty());
    EXPECT_EQ(settings->get("parallel").source, Source::flag);
}

TEST(ConfigSettings, BadRolloutValueIsMarkedAsThePlaybooksByType) {
    auto inputs = inputs_with({});
    inputs.playbook_defaults = {{"parallel", nlohmann::json("many")}};
    inputs.playbook_origin = "/p/isolate.json";
    auto result = resolve_settings(inputs);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().from_playbook);
    EXPECT_FALSE(result.error().from_flag);
    EXPECT_NE(result.error().message.find("rollout.parallel"), std::string::npos);

    // A config file whose path happens to contain "rollout." is still the config file's error.
    auto config = inputs_with({});
    config.file =
        parse_config_text("/etc/rollout.d/config.json", R"({"parallel": "many"})").value();
    config.playbook_origin = "/p/isolate.json";
    auto from_file = resolve_settings(config);
    ASSERT_FALSE(from_file.has_value());
    EXPECT_FALSE(from_file.error().from_playbook);
    EXPECT_NE(from_file.error().message.find("rollout."), std::string::npos);
}

TEST(ConfigSettings, LayersKeepEverySourcesOwnValue) {
    auto inputs = inputs_with({{"BREAKGLASS_MAX_FAILURES", "5%"}});
    inputs.file = file_from(R"({"max_failures": "2", "parallel": 16})");
    inputs.playbook_defaults = {{"max_failures", "1"}};
    inputs.playbook_origin = "daemonset-freeze";
    inputs.flags = {{"max_failures", {"20%"}}};
    auto layers = setting_layers(inputs, "max_failures").value();
    EXPECT_EQ(std::get<std::string>(layers.built_in.value), "10%");
    EXPECT_EQ(std::get<std::string>(layers.playbook->value), "1");
    EXPECT_EQ(std::get<std::string>(layers.config_file->value), "2");
    EXPECT_EQ(layers.config_file->origin, "/etc/bg/config.json:1:2");
    EXPECT_EQ(std::get<std::string>(layers.environment->value), "5%");
    EXPECT_EQ(std::get<std::string>(layers.flag->value), "20%");
    EXPECT_EQ(layers.flag->origin, "--max-failures");

    auto parallel = setting_layers(inputs, "parallel").value();
    EXPECT_FALSE(parallel.playbook);
    EXPECT_FALSE(parallel.environment);
    EXPECT_FALSE(parallel.flag);
    EXPECT_EQ(std::get<std::int64_t>(parallel.config_file->value), 16);

    inputs.env = fixed_environment({{"HOME", "/h"}, {"BREAKGLASS_PAUSE", "soon"}});
    auto bad = setting_layers(inputs, "pause");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("BREAKGLASS_PAUSE"), std::string::npos);
}
