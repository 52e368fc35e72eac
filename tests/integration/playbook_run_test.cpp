// `breakglass run` against the real lab fleet, signed by the lab signer with `ssh-keygen -Y sign`:
// every refusal happens before any connection (no marker written, no "Accepted" line in any sshd
// log).
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/time_text.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::rfc3339;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using nlohmann::json;

namespace {

class PlaybookRunTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        // The lab signs with its own key (fleet.json "signer_key", trusted by its
        // "allowed_signers"); a stranger's key, made here, is trusted by nobody.
        m_markers = m_dir.path() + "/markers";
        std::filesystem::create_directories(m_markers);
        auto made = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger",
                                 "-f", m_dir.path() + "/stranger"});
        ASSERT_EQ(made.exit_code, 0) << made.err;
    }

    void start_fleet(int nodes) {
        m_fleet = std::make_unique<LabFleet>(
            ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, 2);
        m_inventory = m_dir.path() + "/inventory.json";
        auto imported =
            run_process({breakglass::testing::breakglass_binary(), "inventory", "import", "--lab",
                         m_fleet->description_path(), "-O", m_inventory, "--sign-with",
                         m_fleet->description()["signer_key"].get<std::string>()});
        ASSERT_EQ(imported.exit_code, 0) << imported.err;
    }

    std::string cluster() const { return "lab-" + m_fleet->name(); }

    // A valid playbook whose first step leaves a marker named after the node's address.
    json playbook(std::int64_t version = 1) const {
        return {{"apiVersion", "breakglass/v1"},
                {"kind", "Playbook"},
                {"metadata", {{"name", "mark"}, {"version", version}, {"description", "test"}}},
                {"issued_at", rfc3339(-std::chrono::hours(1))},
                {"expires", rfc3339(std::chrono::hours(1))},
                {"scope", {{"clusters", {"other", cluster()}}}},
                {"params",
                 {{"tag", {{"pattern", "^[a-z0-9-]+$"}, {"required", true}}},
                  {"note", {{"pattern", "^.*$"}, {"default", "none"}}}}},
                {"steps",
                 {{{"name", "mark"},
                   {"run", "set -- $SSH_CONNECTION\ntouch '" + m_markers + "'/\"$3-$tag\""},
                   {"timeout", "20s"},
                   {"mutates", true}},
                  {{"name", "whoami"}, {"run", "id -un"}, {"become", true}}}},
                {"verify", {{"run", "test \"$(id -un)\" = root || test -n \"$tag\""}}}};
    }

    // Writes the playbook (bytes exactly as given) and signs it with KEY (empty: unsigned).
    std::string write(const std::string& text, const std::string& key = "signer") {
        const std::string path =
            m_dir.path() + "/playbook-" + std::to_string(m_written++) + ".json";
        std::ofstream(path, std::ios::binary) << text;
        if (!key.empty()) {
            const std::string key_file =
                key == "signer" ? m_fleet->description()["signer_key"].get<std::string>()
                                : m_dir.path() + "/" + key;
            auto signed_ = run_process({"ssh-keygen", "-q", "-Y", "sign", "-n",
                                        "breakglass-playbook", "-f", key_file, path});
            EXPECT_EQ(signed_.exit_code, 0) << signed_.err;
        }
        return path;
    }

    // `breakglass run FILE` with --yes: playbook() has a mutating step, and no terminal is here
    // to confirm it on (a playbook without one is read-only and ignores --yes).
    ProcessResult run(const std::string& file, std::vector<std::string> args,
                      const std::string& output = "json") const {
        std::vector<std::string> full{"run",
                                      file,
                                      "--yes",
                                      "-i",
                                      m_inventory,
                                      "--allowed-signers",
                                      m_fleet->description()["allowed_signers"].get<std::string>(),
                                      "--state-dir",
                                      m_dir.path() + "/state",
                                      "--identity",
                                      m_fleet->description()["client_key"].get<std::string>(),
                                      "-o",
                                      output};
        full.insert(full.end(), args.begin(), args.end());
        return m_fleet->breakglass(full, std::chrono::seconds(180));
    }

    // Sessions every lab sshd accepted so far.
    std::size_t accepted() const {
        std::size_t count = 0;
        for (const auto& sshd : m_fleet->description()["sshds"]) {
            std::istringstream log(read_text(sshd["log"].get<std::string>()));
            for (std::string line; std::getline(log, line);) {
                count += line.find("Accepted publickey") != std::string::npos ? 1U : 0U;
            }
        }
        return count;
    }

    std::size_t markers() const {
        return static_cast<std::size_t>(std::distance(
            std::filesystem::directory_iterator(m_markers), std::filesystem::directory_iterator()));
    }

    // Runs FILE and proves it was refused with exit 5 naming `reason`, and no node was touched.
    void expect_refused(const std::string& file, const std::vector<std::string>& args,
                        const std::string& reason) {
        const std::size_t before = accepted();
        auto result = run(file, args);
        EXPECT_EQ(result.exit_code, 5) << result.err << result.out;
        EXPECT_NE(result.err.find(reason), std::string::npos) << result.err;
        std::size_t refusal_lines = 0;
        std::istringstream err(result.err);
        for (std::string line; std::getline(err, line);) {
            refusal_lines += line.starts_with("breakglass: ") ? 1U : 0U;
        }
        EXPECT_EQ(refusal_lines, 1U) << "one line naming the reason: " << result.err;
        EXPECT_TRUE(result.out.empty()) << result.out;
        EXPECT_EQ(markers(), 0U) << "a step ran";
        EXPECT_EQ(accepted(), before) << "an sshd accepted a session";
    }

    TempDir m_dir;
    std::string m_markers;
    std::unique_ptr<LabFleet> m_fleet;
    std::string m_inventory;
    int m_written = 0;
};

} // namespace

TEST_F(PlaybookRunTest, SignedPlaybookRunsOnFiftyNodesWithPerStepResults) {
    start_fleet(50);
    const std::size_t before = accepted();
    auto result = run(write(playbook(4).dump(2)), {"--param", "tag=t1"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto document = json::parse(result.out);
    ASSERT_EQ(document["nodes"].size(), 50U);
    EXPECT_EQ(document["summary"]["ok"], 50);
    for (const auto& node : document["nodes"]) {
        ASSERT_EQ(node["steps"].size(), 3U) << node.dump();
        EXPECT_EQ(node["steps"][0]["name"], "mark");
        EXPECT_EQ(node["steps"][1]["name"], "whoami");
        EXPECT_EQ(node["steps"][1]["stdout"], "root\n");
        EXPECT_EQ(node["steps"][2]["name"], "verify");
        for (const auto& step : node["steps"]) {
            EXPECT_EQ(step["status"], "ok") << node.dump();
            EXPECT_EQ(step["exit_code"], 0);
            EXPECT_TRUE(step.contains("duration_ms"));
        }
        EXPECT_TRUE(
            std::filesystem::exists(m_markers + "/" + node["address"].get<std::string>() + "-t1"))
            << node["name"];
    }
    EXPECT_EQ(markers(), 50U);
    EXPECT_GE(accepted(), before + 50) << "the sshd logs show the sessions";
    auto state = json::parse(read_text(m_dir.path() + "/state/playbook-versions.json"));
    EXPECT_EQ(state["playbooks"]["mark"]["version"], 4);
}

TEST_F(PlaybookRunTest, FailingStepStopsTheNodeAndVerifyDecides) {
    start_fleet(2);
    json document = playbook();
    document["steps"][1]["run"] = "exit 3";
    // Every node fails on purpose and each one's result is checked: no canary, no budget stop.
    const std::vector<std::string> every_node{"--param", "tag=t",          "--canary",
                                              "0",       "--max-failures", "100%"};
    auto result = run(write(document.dump()), every_node);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const json stopped = json::parse(result.out)["nodes"];
    ASSERT_EQ(stopped.size(), 2U) << result.out;
    for (const auto& node : stopped) {
        EXPECT_EQ(node["status"], "failed");
        ASSERT_EQ(node["steps"].size(), 2U) << "verify does not run after a failed step";
        EXPECT_EQ(node["steps"][1]["exit_code"], 3);
    }
    auto human = run(write(document.dump()), every_node, "human");
    EXPECT_EQ(human.exit_code, 1);
    EXPECT_NE(human.err.find("failed (exit 3) at step whoami: 2 node[0001-0002]"),
              std::string::npos)
        << human.err;
    document = playbook();
    document["verify"]["run"] = "false";
    result = run(write(document.dump()), every_node);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const json verified = json::parse(result.out)["nodes"];
    ASSERT_EQ(verified.size(), 2U) << result.out;
    for (const auto& node : verified) {
        EXPECT_EQ(node["status"], "failed");
        EXPECT_EQ(node["steps"][2]["name"], "verify");
    }
}

TEST_F(PlaybookRunTest, UnsignedIsRefused) {
    start_fleet(2);
    expect_refused(write(playbook().dump(), ""), {"--param", "tag=t"}, "signature");
}

TEST_F(PlaybookRunTest, BadSignatureIsRefused) {
    start_fleet(2);
    const std::string file = write(playbook().dump());
    std::ofstream(file, std::ios::app) << ' ';
    expect_refused(file, {"--param", "tag=t"}, "(bad_signature)");
}

TEST_F(PlaybookRunTest, UnknownSignerIsRefused) {
    start_fleet(2);
    expect_refused(write(playbook().dump(), "stranger"), {"--param", "tag=t"}, "(unknown_signer)");
}

TEST_F(PlaybookRunTest, ExpiredIsRefused) {
    start_fleet(2);
    json document = playbook();
    document["issued_at"] = rfc3339(-std::chrono::hours(48));
    document["expires"] = rfc3339(-std::chrono::minutes(6));
    expect_refused(write(document.dump()), {"--param", "tag=t"}, "(expired)");
}

TEST_F(PlaybookRunTest, NotYetValidIsRefused) {
    start_fleet(2);
    json document = playbook();
    document["issued_at"] = rfc3339(std::chrono::minutes(6));
    document["expires"] = rfc3339(std::chrono::hours(48));
    expect_refused(write(document.dump()), {"--param", "tag=t"}, "(not_yet_valid)");
}

TEST_F(PlaybookRunTest, ScopeMismatchIsRefused) {
    start_fleet(2);
    json document = playbook();
    document["scope"]["clusters"] = {"prod-eu"};
    expect_refused(write(document.dump()), {"--param", "tag=t"}, "(scope)");
}

TEST_F(PlaybookRunTest, RollbackAfterANewerVersionRanIsRefused) {
    start_fleet(2);
    auto newer = run(write(playbook(3).dump()), {"--param", "tag=v3"});
    ASSERT_EQ(newer.exit_code, 0) << newer.err;
    auto same = run(write(playbook(3).dump()), {"--param", "tag=v3b"});
    ASSERT_EQ(same.exit_code, 0) << "an equal version is fine: " << same.err;
    std::filesystem::remove_all(m_markers);
    std::filesystem::create_directories(m_markers);
    expect_refused(write(playbook(2).dump()), {"--param", "tag=v2"}, "(rollback)");
}

TEST_F(PlaybookRunTest, SchemaErrorIsRefused) {
    start_fleet(2);
    json document = playbook();
    document["steps"][0]["retries"] = 3;
    expect_refused(write(document.dump()), {"--param", "tag=t"}, "(schema)");
}

TEST_F(PlaybookRunTest, TemplateIsRefused) {
    start_fleet(2);
    json document = playbook();
    document["steps"][0]["run"] = "touch '" + m_markers + "/{{ tag }}'";
    expect_refused(write(document.dump()), {"--param", "tag=t"}, "{{");
}

TEST_F(PlaybookRunTest, ParameterFailingItsPatternIsRefused) {
    start_fleet(2);
    expect_refused(write(playbook().dump()), {"--param", "tag=x; touch /tmp/pwned"},
                   "does not match");
    EXPECT_FALSE(std::filesystem::exists("/tmp/pwned"));
}

TEST_F(PlaybookRunTest, MissingParameterIsRefused) {
    start_fleet(2);
    expect_refused(write(playbook().dump()), {}, "missing required parameter 'tag'");
}

TEST_F(PlaybookRunTest, UnknownParameterIsRefused) {
    start_fleet(2);
    expect_refused(write(playbook().dump()), {"--param", "tag=t", "--param", "other=1"},
                   "unknown parameter 'other'");
}

TEST_F(PlaybookRunTest, PermissiveParameterArrivesAsOneLiteralString) {
    start_fleet(2);
    const std::string pwned = m_dir.path() + "/pwned";
    json document = playbook();
    document["params"]["note"] = {{"pattern", "^[\\s\\S]*$"}, {"required", true}};
    document["steps"] = {{{"name", "echo"}, {"run", "printf '%s' \"$note\""}}};
    document.erase("verify");
    const std::string value = "x; touch " + pwned + " '$(touch " + pwned + ")' \"`touch " + pwned +
                              "`\" $(touch " + pwned + ")\n'\\'' \\ $HOME ${tag}\nend\n";
    auto result = run(write(document.dump()), {"--param", "tag=t", "--param", "note=" + value});
    ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
    const json multi_line = json::parse(result.out)["nodes"];
    ASSERT_EQ(multi_line.size(), 2U) << result.out;
    for (const auto& node : multi_line) {
        // One step: its output is the node's own.
        EXPECT_EQ(node["stdout"].get<std::string>(), value) << node.dump();
    }
    EXPECT_FALSE(std::filesystem::exists(pwned));

    // The same value through the playbook's own permissive ^.*$ (no newlines) also arrives whole.
    const std::string one_line =
        "x; touch " + pwned + " '$(touch " + pwned + ")' `touch " + pwned + "`";
    document["params"]["note"] = {{"pattern", "^.*$"}, {"required", true}};
    result = run(write(document.dump()), {"--param", "tag=t", "--param", "note=" + one_line});
    ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
    const json one_line_nodes = json::parse(result.out)["nodes"];
    ASSERT_EQ(one_line_nodes.size(), 2U) << result.out;
    for (const auto& node : one_line_nodes) {
        EXPECT_EQ(node["stdout"].get<std::string>(), one_line);
    }
    EXPECT_FALSE(std::filesystem::exists(pwned));
}

TEST_F(PlaybookRunTest, ShowPrintsTheScriptsAndContactsNoNode) {
    start_fleet(2);
    const std::size_t before = accepted();
    auto shown = m_fleet->breakglass({"playbook", "show", write(playbook().dump()), "--param",
                                      "tag=abc", "--param", "note=it's"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_NE(shown.out.find("set -eu\nnote='it'\\''s'\ntag='abc'\n"), std::string::npos)
        << shown.out;
    EXPECT_EQ(accepted(), before);
}

TEST_F(PlaybookRunTest, VerifyChecksScopeAndVersionAndChangesNothing) {
    start_fleet(2);
    const std::string allowed = m_fleet->description()["allowed_signers"].get<std::string>();
    const std::string state = m_dir.path() + "/state";
    auto verify = [&](const json& document) {
        return run_process({breakglass::testing::breakglass_binary(), "playbook", "verify",
                            write(document.dump()), "-i", m_inventory, "--allowed-signers", allowed,
                            "--state-dir", state, "-o", "json"});
    };
    auto good = verify(playbook(7));
    ASSERT_EQ(good.exit_code, 0) << good.err;
    auto report = json::parse(good.out);
    EXPECT_EQ(report["name"], "mark");
    EXPECT_EQ(report["version"], 7);
    EXPECT_EQ(report["inventory_cluster"], cluster());
    EXPECT_FALSE(std::filesystem::exists(state + "/playbook-versions.json"))
        << "verify never raises the version";

    json out_of_scope = playbook(7);
    out_of_scope["scope"]["clusters"] = {"prod-eu"};
    auto scoped = verify(out_of_scope);
    EXPECT_EQ(scoped.exit_code, 5);
    EXPECT_NE(scoped.err.find("(scope)"), std::string::npos) << scoped.err;

    ASSERT_EQ(run(write(playbook(7).dump()), {"--param", "tag=t"}).exit_code, 0);
    auto rollback = verify(playbook(6));
    EXPECT_EQ(rollback.exit_code, 5);
    EXPECT_NE(rollback.err.find("(rollback)"), std::string::npos) << rollback.err;
}

TEST_F(PlaybookRunTest, RolloutDefaultsApplyBelowFlags) {
    start_fleet(2);
    json document = playbook();
    document["rollout"] = {{"timeout", "1s"}};
    document["steps"] = {{{"name", "slow"}, {"run", "sleep 3"}}};
    document.erase("verify");
    const std::string file = write(document.dump());
    auto bounded = run(file, {"--param", "tag=t"});
    EXPECT_EQ(bounded.exit_code, 1) << bounded.err;
    const json timed_out = json::parse(bounded.out)["nodes"];
    ASSERT_EQ(timed_out.size(), 2U);
    for (const auto& node : timed_out) {
        EXPECT_EQ(node["status"], "timeout") << node.dump();
    }
    auto flagged = run(file, {"--param", "tag=t", "--timeout", "20s"});
    EXPECT_EQ(flagged.exit_code, 0) << "a flag outranks the playbook: " << flagged.err;
}

TEST_F(PlaybookRunTest, StreamedStepsWithoutTrailingNewlineStayOnTheirOwnLines) {
    start_fleet(2);
    json text = playbook();
    text["steps"] = {{{"name", "first"}, {"run", "printf 'no-newline'"}},
                     {{"name", "second"}, {"run", "echo 'next-step'"}}};
    auto result = run(write(text.dump()), {"--param", "tag=t1"}, "human");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const std::string node : {"node0001", "node0002"}) {
        EXPECT_NE(result.out.find(node + ": no-newline\n"), std::string::npos) << result.out;
        EXPECT_NE(result.out.find(node + ": next-step\n"), std::string::npos) << result.out;
    }
}
