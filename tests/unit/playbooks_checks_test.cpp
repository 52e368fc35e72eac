#include "base/rfc3339.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/version_state.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using breakglass::base::parse_rfc3339;
using namespace std::chrono_literals;

namespace {

Playbook window(const char* issued, const char* expires) {
    Playbook playbook;
    playbook.name = "p";
    playbook.version = 2;
    playbook.issued_at = *parse_rfc3339(issued);
    playbook.expires = *parse_rfc3339(expires);
    playbook.clusters = {"a", "b"};
    return playbook;
}

std::chrono::system_clock::time_point at(const char* text) {
    return *parse_rfc3339(text);
}

} // namespace

TEST(PlaybookChecks, ValidityWindowWithFiveMinutesOfSkew) {
    const Playbook playbook = window("2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z");
    EXPECT_TRUE(check_validity(playbook, at("2026-01-01T11:55:00Z")));
    const auto early = check_validity(playbook, at("2026-01-01T11:54:59Z"));
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().kind, ValidityRefusal::not_yet_valid);
    EXPECT_NE(early.error().message.find("not yet valid"), std::string::npos);
    EXPECT_TRUE(check_validity(playbook, at("2026-01-02T12:04:59Z")));
    const auto late = check_validity(playbook, at("2026-01-02T12:05:00Z"));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().kind, ValidityRefusal::expired);
    EXPECT_NE(late.error().message.find("expired"), std::string::npos);
}

TEST(PlaybookChecks, ScopeIsAnExactClusterName) {
    const Playbook playbook = window("2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z");
    EXPECT_TRUE(check_scope(playbook, "b"));
    EXPECT_FALSE(check_scope(playbook, "c"));
    EXPECT_FALSE(check_scope(playbook, "a "));
}

TEST(PlaybookChecks, OnlyTheExpectedSignedNameRunsUnderACommandsName) {
    Playbook isolate = window("2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z");
    isolate.name = "daemonset-isolate";
    EXPECT_TRUE(check_playbook_binding(isolate, "daemonset-isolate"));
    auto refused = check_playbook_binding(isolate, "daemonset-status");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("'daemonset-isolate'"), std::string::npos) << refused.error();
    EXPECT_NE(refused.error().find("'daemonset-status'"), std::string::npos) << refused.error();
}

TEST(PlaybookVersionState, RaisesNeverLowersRefusesRollback) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("bg-version-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "playbook-versions.json";
    Playbook playbook = window("2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z");
    EXPECT_TRUE(load_version_state(file)->empty());
    playbook.version = 5;
    ASSERT_TRUE(record_version(file, playbook));
    playbook.version = 3;
    auto lower = record_version(file, playbook);
    ASSERT_FALSE(lower);
    EXPECT_TRUE(lower.error().rollback);
    auto state = load_version_state(file);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->at("p"), 5);
    EXPECT_NE(check_version(*state, playbook).error().find("rollback"), std::string::npos);
    playbook.version = 5;
    EXPECT_TRUE(check_version(*state, playbook));
    std::ofstream(file) << "{broken";
    EXPECT_FALSE(load_version_state(file));
    std::filesystem::remove_all(dir);
}
