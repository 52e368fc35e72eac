#include "playbooks/parameters.hpp"
#include "playbooks/render.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;

namespace {

Playbook with_params() {
    Playbook playbook;
    playbook.name = "p";
    playbook.params = {{"name", "^[a-z]+$", "", true, std::nullopt},
                       {"free", "^.*$", "", false, std::string("dflt")},
                       {"opt", "^[0-9]+$", "", false, std::nullopt}};
    playbook.steps = {{"one", "echo \"$name\"", std::nullopt, false, false},
                      {"two", "id -u", std::chrono::seconds(3), true, true}};
    playbook.verify = VerifyStep{"test -n \"$name\"", std::nullopt, false};
    return playbook;
}

std::string error_of(const std::vector<std::string>& assignments) {
    auto bound = bind_parameters(with_params(), assignments);
    EXPECT_FALSE(bound) << "bound unexpectedly";
    return bound ? "" : bound.error();
}

} // namespace

TEST(PlaybookParameters, BindsDefaultsAndValues) {
    auto bound = bind_parameters(with_params(), {"name=kubelet"});
    ASSERT_TRUE(bound) << bound.error();
    ASSERT_EQ(bound->size(), 3U);
    EXPECT_EQ((*bound)[0].value, "kubelet");
    EXPECT_EQ((*bound)[1].value, "dflt");
    EXPECT_EQ((*bound)[2].value, "");
}

TEST(PlaybookParameters, RefusesUnknownMissingDuplicateAndMismatch) {
    EXPECT_NE(error_of({"name=a", "other=1"}).find("unknown parameter 'other'"), std::string::npos);
    EXPECT_NE(error_of({}).find("missing required parameter 'name'"), std::string::npos);
    EXPECT_NE(error_of({"name=a", "name=b"}).find("twice"), std::string::npos);
    EXPECT_NE(error_of({"name=x; touch /tmp/pwned"}).find("does not match"), std::string::npos);
    EXPECT_NE(error_of({"name"}).find("NAME=VALUE"), std::string::npos);
    EXPECT_NE(error_of({"name=a", "opt=1x"}).find("'opt'"), std::string::npos);
    // `.` does not match a newline: a permissive ^.*$ still keeps values on one line.
    EXPECT_NE(error_of({"name=a", "free=a\nb"}).find("'free'"), std::string::npos);
    EXPECT_NE(error_of({"name=a", "free=" + std::string(5000, 'a')}).find("4096"),
              std::string::npos);
}

TEST(PlaybookParameters, PatternLimits) {
    EXPECT_TRUE(compile_pattern("^[a-z][a-z0-9-]{0,61}$"));
    EXPECT_TRUE(compile_pattern("^(foo|bar)-[)*]$"));
    EXPECT_TRUE(compile_pattern("^\\)*$"));
    EXPECT_FALSE(compile_pattern("^(a*)*$"));
    EXPECT_FALSE(compile_pattern("^(?:a|a)+$"));
    EXPECT_FALSE(compile_pattern("^a{1,1000}$"));
    EXPECT_FALSE(compile_pattern("^a{1}b{1}c{1}$"));
    EXPECT_FALSE(compile_pattern("^" + std::string(300, 'a') + "$"));
}

TEST(PlaybookRender, ValuesArriveOnlyAsQuotedAssignments) {
    Playbook playbook = with_params();
    auto bound = bind_parameters(playbook, {"name=abc", "free=it's $(id) `id` \"q\""});
    ASSERT_TRUE(bound) << bound.error();
    auto steps = render_steps(playbook, *bound);
    ASSERT_EQ(steps.size(), 3U);
    EXPECT_EQ(steps[0].script, "set -eu\nname='abc'\nfree='it'\\''s $(id) `id` \"q\"'\nopt=''\n"
                               "echo \"$name\"\n");
    EXPECT_EQ(steps[0].command.rfind("sh -euc 'set -eu\n", 0), 0U);
    EXPECT_TRUE(steps[1].become);
    EXPECT_EQ(steps[1].timeout, std::chrono::seconds(3));
    EXPECT_EQ(steps[2].name, "verify");
}
