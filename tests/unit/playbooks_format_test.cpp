#include "base/rfc3339.hpp"
#include "playbooks/playbook_format.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace breakglass::playbooks;
using breakglass::base::format_rfc3339;
using nlohmann::json;

namespace {

json minimal() {
    return json::parse(R"({
      "apiVersion": "breakglass/v1", "kind": "Playbook",
      "metadata": {"name": "restart-kubelet", "version": 3, "description": "d"},
      "issued_at": "2026-01-01T00:00:00Z", "expires": "2026-02-01T00:00:00+01:00",
      "scope": {"clusters": ["prod-eu"]},
      "params": {"unit": {"pattern": "^[a-z]+$", "required": true, "description": "u"}},
      "steps": [{"name": "restart", "run": "systemctl restart \"$unit\"", "timeout": "30s",
                 "mutates": true, "become": true}],
      "verify": {"run": "systemctl is-active \"$unit\"", "timeout": "5s"},
      "rollout": {"parallel": 5, "deadline": "10m"}
    })");
}

std::string error_of(const json& document) {
    auto parsed = parse_playbook(document.dump());
    EXPECT_FALSE(parsed) << "parsed unexpectedly";
    return parsed ? "" : parsed.error();
}

} // namespace

TEST(PlaybookFormat, ParsesEveryField) {
    auto parsed = parse_playbook(minimal().dump());
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->name, "restart-kubelet");
    EXPECT_EQ(parsed->version, 3);
    EXPECT_EQ(format_rfc3339(parsed->expires), "2026-01-31T23:00:00Z");
    ASSERT_EQ(parsed->params.size(), 1U);
    EXPECT_TRUE(parsed->params[0].required);
    ASSERT_EQ(parsed->steps.size(), 1U);
    EXPECT_TRUE(parsed->steps[0].become);
    EXPECT_TRUE(parsed->steps[0].mutates);
    EXPECT_EQ(parsed->steps[0].timeout, std::chrono::seconds(30));
    ASSERT_TRUE(parsed->verify);
    EXPECT_EQ(parsed->rollout["parallel"], 5);
}

TEST(PlaybookFormat, UnknownFieldsAnywhereAreErrors) {
    for (const char* pointer : {"/extra", "/metadata/extra", "/scope/extra", "/params/unit/extra",
                                "/steps/0/extra", "/verify/extra", "/rollout/surge"}) {
        json document = minimal();
        document[json::json_pointer(pointer)] = 1;
        EXPECT_NE(error_of(document).find("unknown field"), std::string::npos) << pointer;
    }
}

TEST(PlaybookFormat, TemplatesAreRefusedEvenWhenEscaped) {
    json document = minimal();
    document["steps"][0]["run"] = "echo {{ unit }}";
    EXPECT_NE(error_of(document).find("{{"), std::string::npos);
    auto escaped = parse_playbook(R"({"apiVersion": "breakglass/v1", "x": "\u007b\u007b"})");
    ASSERT_FALSE(escaped);
    EXPECT_NE(escaped.error().find("{{"), std::string::npos);
}

TEST(PlaybookFormat, RequiredFieldsAndTypes) {
    json document = minimal();
    document["scope"]["clusters"] = json::array();
    EXPECT_NE(error_of(document).find("scope.clusters"), std::string::npos);
    document = minimal();
    document["metadata"]["version"] = 0;
    EXPECT_NE(error_of(document).find("metadata.version"), std::string::npos);
    document = minimal();
    document["metadata"]["version"] = 1.5;
    EXPECT_NE(error_of(document).find("metadata.version"), std::string::npos);
    document = minimal();
    document.erase("scope");
    EXPECT_NE(error_of(document).find("scope"), std::string::npos);
    document = minimal();
    document["apiVersion"] = "breakglass/v2";
    EXPECT_NE(error_of(document).find("apiVersion"), std::string::npos);
    document = minimal();
    document["expires"] = "2026-13-01T00:00:00Z";
    EXPECT_NE(error_of(document).find("expires"), std::string::npos);
    document = minimal();
    document["steps"][0]["timeout"] = "soon";
    EXPECT_NE(error_of(document).find("timeout"), std::string::npos);
    document = minimal();
    document["rollout"]["parallel"] = "many";
    EXPECT_NE(error_of(document).find("rollout.parallel"), std::string::npos);
    EXPECT_NE(parse_playbook("not json").error().find("not JSON"), std::string::npos);
    // Found by fuzz_playbook_parse: a number beyond double threw out_of_range.
    EXPECT_NE(parse_playbook("999999999e99999999999999").error().find("not JSON"),
              std::string::npos);
}

TEST(PlaybookFormat, ParameterNamesAreShellIdentifiersAndNotSpecial) {
    for (const char* name : {"PATH", "IFS", "HOME", "_", "1abc", "a-b", "LD_PRELOAD", "LC_ALL",
                             "BASH_ENV", "SSH_AUTH_SOCK", "BREAKGLASS_X"}) {
        json document = minimal();
        document["params"][name] = {{"pattern", "^a$"}};
        EXPECT_NE(error_of(document).find("shell variable"), std::string::npos) << name;
    }
}

TEST(PlaybookFormat, PatternsMustBeAnchoredAndValidAndDefaultsMatch) {
    for (const char* pattern : {"[a-z]+", "^[a-z]+", "[a-z]+$", "^(a$", "^a\\$"}) {
        json document = minimal();
        document["params"]["unit"]["pattern"] = pattern;
        EXPECT_NE(error_of(document).find("pattern"), std::string::npos) << pattern;
    }
    json document = minimal();
    document["params"]["opt"] = {{"pattern", "^[0-9]+$"}, {"default", "abc"}};
    EXPECT_NE(error_of(document).find("default"), std::string::npos);
}

TEST(PlaybookFormat, RepeatedKeysAreRefusedNamingTheirPath) {
    // nlohmann keeps the last "run": a reviewer reading the first would approve the wrong one.
    std::string text = minimal().dump();
    const std::string step = R"("name":"restart",)";
    ASSERT_NE(text.find(step), std::string::npos);
    text.insert(text.find(step) + step.size(), R"("run":"true",)");
    auto parsed = parse_playbook(text);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), "steps[0].run: key appears twice");
    auto top = parse_playbook(R"({"kind": "Playbook", "kind": "Playbook"})");
    ASSERT_FALSE(top);
    EXPECT_EQ(top.error(), "kind: key appears twice");
}

TEST(PlaybookFormat, RolloutLimitsUseTheRolloutGrammar) {
    json document = minimal();
    document["rollout"] = {
        {"canary", 2}, {"waves", "10%,100%"}, {"max_failures", "1"}, {"pause", "30s"}};
    auto parsed = parse_playbook(document.dump());
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->rollout["waves"], "10%,100%");

    const std::pair<const char*, json> bad[] = {
        {"canary", -1},        {"canary", "1"}, {"waves", "10%,50%"}, // the last must be 100%
        {"waves", "05%,100%"}, {"waves", 100},  {"max_failures", "10 %"}, {"max_failures", "101%"},
        {"pause", "a while"}};
    for (const auto& [key, value] : bad) {
        document = minimal();
        document["rollout"][key] = value;
        EXPECT_NE(error_of(document).find(std::string("rollout.") + key), std::string::npos)
            << key << " " << value.dump();
    }
}
