// The contracts every command keeps: exit codes, one-line errors, config precedence, paths.
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/process.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using breakglass::testing::run_breakglass;
using breakglass::testing::TempDir;
using breakglass::testing::write_text;

namespace {

std::size_t lines(const std::string& text) {
    return std::size_t(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST(CliContract, VersionNamesLibraries) {
    auto result = run_breakglass({"version", "-o", "json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto document = nlohmann::json::parse(result.out);
    EXPECT_EQ(document["schema_version"], 1);
    EXPECT_NE(document["libssh"].get<std::string>().find("0.10"), std::string::npos);
    EXPECT_NE(document["openssl"].get<std::string>().find("OpenSSL 3"), std::string::npos);
    EXPECT_FALSE(document["git_revision"].get<std::string>().empty());
}

TEST(CliContract, UnknownFlagIsUsageErrorOnOneLine) {
    auto result = run_breakglass({"version", "--no-such-flag"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(lines(result.err), 1U) << result.err;
    EXPECT_NE(result.err.find("--no-such-flag"), std::string::npos);
    EXPECT_TRUE(result.out.empty());
}

TEST(CliContract, MissingSubcommandIsUsageError) {
    auto result = run_breakglass({});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(lines(result.err), 1U) << result.err;
}

TEST(CliContract, MalformedConfigNamesFileLineColumn) {
    TempDir dir;
    const std::string config = dir.path() + "/config.json";
    write_text(config, "{\n  \"parallel\": 8,\n  \"rate\": ,\n}\n");
    auto result = run_breakglass({"config", "show"}, {"BREAKGLASS_CONFIG=" + config});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(lines(result.err), 1U) << result.err;
    EXPECT_NE(result.err.find(config + ":3:11:"), std::string::npos) << result.err;
}

TEST(CliContract, UnknownConfigKeyIsConfigError) {
    TempDir dir;
    const std::string config = dir.path() + "/config.json";
    write_text(config, "{\"parallel\": 8, \"paralel\": 9}");
    auto result = run_breakglass({"--config", config, "config", "show"});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_NE(result.err.find("unknown key 'paralel'"), std::string::npos) << result.err;
}

TEST(CliContract, ExplicitConfigMustExist) {
    auto result =
        run_breakglass({"config", "show"}, {"BREAKGLASS_CONFIG=/nonexistent/config.json"});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_NE(result.err.find("does not exist"), std::string::npos);
}

TEST(CliContract, UnwritableStateDirIsStateError) {
    TempDir dir;
    write_text(dir.path() + "/file", "x");
    auto result = run_breakglass({"--state-dir", dir.path() + "/file/state", "config", "check"});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(lines(result.err), 1U) << result.err;
    EXPECT_NE(result.err.find("state directory"), std::string::npos) << result.err;
}

TEST(CliContract, StateDirIsCreatedUnderXdgStateHome) {
    TempDir dir;
    auto result =
        run_breakglass({"config", "check"}, {"XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/breakglass"));
}

TEST(CliContract, ConfigShowReportsPrecedenceAndSources) {
    TempDir dir;
    const std::string config = dir.path() + "/config.json";
    write_text(config, "{\"inventory\": \"/from/file.json\", \"parallel\": 16, \"rate\": 5}");
    auto result = run_breakglass(
        {"config", "show", "-o", "json", "-i", "/from/flag.json"},
        {"BREAKGLASS_CONFIG=" + config, "BREAKGLASS_PARALLEL=32", "XDG_STATE_HOME=" + dir.path()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto settings = nlohmann::json::parse(result.out)["settings"];
    EXPECT_EQ(settings["inventory"]["value"], "/from/flag.json");
    EXPECT_EQ(settings["inventory"]["source"], "flag");
    EXPECT_EQ(settings["parallel"]["value"], 32);
    EXPECT_EQ(settings["parallel"]["source"], "env");
    EXPECT_EQ(settings["rate"]["value"], 5);
    EXPECT_EQ(settings["rate"]["source"], "config");
    EXPECT_EQ(settings["timeout"]["source"], "default");
    EXPECT_EQ(settings["state_dir"]["value"], dir.path() + "/breakglass");
}

TEST(CliContract, BadEnvironmentValueIsConfigError) {
    auto result = run_breakglass({"config", "show"}, {"BREAKGLASS_CONNECT_TIMEOUT=soon"});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_NE(result.err.find("BREAKGLASS_CONNECT_TIMEOUT"), std::string::npos) << result.err;
}

TEST(CliContract, DaemonSetCommandsRefuseBadInputOnOneLineBeforeAnyConnection) {
    TempDir dir;
    // The actions that change nodes carry --yes, as a script must: the refusal is their input's.
    const std::vector<std::vector<std::string>> usage = {
        {"daemonset", "status", "telemetry-agent"},
        {"daemonset", "freeze", "Kube-System/telemetry-agent", "--yes"},
        {"daemonset", "stop", "ns/x", "--hold-kubelet", "--accept-restart", "--yes"},
        {"daemonset", "stop", "ns/x", "--hold-for", "1s", "--yes"},
        {"daemonset", "remove", "ns/x", "--grace", "1h", "--yes"},
        {"daemonset", "nuke", "ns/x"},
        {"playbook", "bundle", "playbooks/shipped/daemonset-status.json"}, // no --cluster
    };
    for (const auto& args : usage) {
        auto result = run_breakglass(args, {"XDG_CONFIG_HOME=" + dir.path(),
                                            "XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()});
        EXPECT_EQ(result.exit_code, 2) << args[1] << " " << args[2] << ": " << result.err;
        EXPECT_EQ(lines(result.err), 1U) << result.err;
    }
    // No signed shipped playbook here: exit 5, and the line says how to sign them.
    auto unsigned_ = run_breakglass(
        {"daemonset", "status", "kube-system/telemetry-agent", "--playbooks", dir.path()},
        {"XDG_CONFIG_HOME=" + dir.path(), "XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()});
    EXPECT_EQ(unsigned_.exit_code, 5) << unsigned_.err;
    EXPECT_NE(unsigned_.err.find("sign-shipped"), std::string::npos) << unsigned_.err;
    EXPECT_EQ(lines(unsigned_.err), 1U) << unsigned_.err;
}

TEST(CliContract, DrillRefusesBadObjectivesOnOneLineBeforeAnyConnection) {
    TempDir dir;
    const std::vector<std::vector<std::string>> usage = {
        {"drill", "--min-reachable", "99"},     {"drill", "--min-ready", "101%"},
        {"drill", "--min-pinned", "9.9999%"},   {"drill", "--max-p99", "soon"},
        {"drill", "--max-inventory-age", "1y"}, {"drill", "--min-playbook-validity", "-1d"},
        {"drill", "--warn-expiry", "x"},        {"drill", "--sample", "0"},
        {"drill", "--sample", "101%"},          {"drill", "--seed", "-1"},
    };
    for (const auto& args : usage) {
        auto result = run_breakglass(args, {"XDG_CONFIG_HOME=" + dir.path(),
                                            "XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()});
        EXPECT_EQ(result.exit_code, 2) << args[1] << " " << args[2] << ": " << result.err;
        EXPECT_EQ(lines(result.err), 1U) << result.err;
        EXPECT_NE(result.err.find(args[1]), std::string::npos) << result.err;
    }
    // Without a signed drill-readiness playbook: exit 5, saying how to sign the shipped ones.
    auto unsigned_ = run_breakglass(
        {"drill", "--playbooks", dir.path()},
        {"XDG_CONFIG_HOME=" + dir.path(), "XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path()});
    EXPECT_EQ(unsigned_.exit_code, 5) << unsigned_.err;
    EXPECT_NE(unsigned_.err.find("sign-shipped"), std::string::npos) << unsigned_.err;
}

TEST(CliContract, PlaybookBundleStampsAShippedSourceReadyToSign) {
    TempDir dir;
    const std::string out = dir.path() + "/daemonset-freeze.json";
    auto bundled = run_breakglass(
        {"playbook", "bundle",
         breakglass::testing::source_dir() + "/playbooks/shipped/daemonset-freeze.json",
         "--cluster", "prod-east", "--valid-for", "7d", "--issued-at", "2026-11-01T00:00:00Z", "-O",
         out});
    ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
    std::ifstream in(out);
    auto playbook = nlohmann::json::parse(in);
    EXPECT_EQ(playbook["scope"]["clusters"], nlohmann::json::array({"prod-east"}));
    EXPECT_EQ(playbook["issued_at"], "2026-11-01T00:00:00Z");
    EXPECT_EQ(playbook["expires"], "2026-11-08T00:00:00Z");
    EXPECT_FALSE(playbook.contains("libraries"));
    EXPECT_NE(playbook["steps"][0]["run"].get<std::string>().find("bg_ds_match()"),
              std::string::npos);
}

TEST(CliContract, AuditCommandsKeepTheirExitCodes) {
    TempDir dir;
    const std::vector<std::string> env{"XDG_STATE_HOME=" + dir.path(), "HOME=" + dir.path(),
                                       "XDG_CONFIG_HOME=" + dir.path()};
    auto missing = run_breakglass({"audit"}, env);
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    // No log yet: unreadable is 4, on one line naming it.
    auto unreadable = run_breakglass({"audit", "verify"}, env);
    EXPECT_EQ(unreadable.exit_code, 4) << unreadable.err;
    EXPECT_EQ(lines(unreadable.err), 1U) << unreadable.err;
    EXPECT_NE(unreadable.err.find(dir.path() + "/breakglass/audit.jsonl"), std::string::npos)
        << unreadable.err;
    // A file that is not a log does not verify (1), names the line, and gets no checkpoint.
    const std::string bogus = dir.path() + "/bogus.jsonl";
    write_text(bogus, "{\"v\":1}\n");
    auto bad = run_breakglass({"audit", "verify", bogus, "-o", "json"}, env);
    EXPECT_EQ(bad.exit_code, 1) << bad.err;
    const auto report = nlohmann::json::parse(bad.out);
    EXPECT_EQ(report["schema_version"], 1);
    EXPECT_EQ(report["ok"], false);
    EXPECT_EQ(report["problem"]["line"], 1);
    auto refused = run_breakglass({"--audit-log", bogus, "audit", "checkpoint"}, env);
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(bogus + ".checkpoint"));
}
