// playbooks::preflight: every refusal kind, in the pipeline's order, with playbooks signed in
// process (playbooks_test_signer.hpp) and files in a private temporary directory. No lab.
#include "playbooks/preflight.hpp"
#include "playbooks/version_state.hpp"
#include "tests/unit/playbooks_test_signer.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace breakglass::playbooks;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A moment as UTC calendar fields (the playbook's window is January 2026).
std::chrono::system_clock::time_point utc(int year, unsigned month, unsigned day,
                                          std::chrono::seconds time_of_day = {}) {
    using namespace std::chrono;
    return sys_days(year_month_day(std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day))) +
           time_of_day;
}

json isolate_playbook() {
    return json::parse(R"({
      "apiVersion": "breakglass/v1", "kind": "Playbook",
      "metadata": {"name": "daemonset-isolate", "version": 3, "description": "d"},
      "issued_at": "2026-01-01T00:00:00Z", "expires": "2026-02-01T00:00:00Z",
      "scope": {"clusters": ["prod-eu"]},
      "params": {"daemonset": {"pattern": "^[a-z/-]+$", "required": true, "description": "ds"}},
      "steps": [{"name": "isolate", "run": "echo \"$daemonset\"", "timeout": "30s",
                 "mutates": true, "become": true}]
    })");
}

class PreflightTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "bg-preflight-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_root = pattern;
        m_request.files = {m_root / "isolate.json", m_root / "isolate.json.sig",
                           m_root / "allowed_signers"};
        m_request.now = utc(2026, 1, 15);
        m_request.assignments = {"daemonset=kube-system/agent"};
        m_placement = {"prod-eu", m_root / "state" / "playbook-versions.json"};
        write(m_request.files.allowed_signers, m_signer.allowed_signers_line("oncall@example"));
        sign_and_write(isolate_playbook().dump(2));
    }
    void TearDown() override { fs::remove_all(m_root); }

    static void write(const fs::path& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << bytes;
        ASSERT_TRUE(out.good()) << path;
    }

    void sign_and_write(const std::string& text) {
        write(m_request.files.playbook, text);
        write(m_request.files.signature, m_signer.sign(text));
    }

    // preflight with a placement that counts its calls.
    tl::expected<ClearedPlaybook, PreflightRefusal> run() {
        return preflight(m_request, [this](const Playbook& playbook) {
            ++m_placed;
            EXPECT_EQ(playbook.name, "daemonset-isolate");
            return m_placement;
        });
    }

    // The refusal of run(), which must refuse as `kind`, with "(why)" in its message.
    PreflightRefusal refused_as(PreflightRefusalKind kind, const std::string& why) {
        auto result = run();
        EXPECT_FALSE(result) << "preflight passed; expected " << to_string(kind);
        if (result) {
            return {};
        }
        EXPECT_EQ(result.error().kind, kind) << result.error().message;
        EXPECT_NE(result.error().message.find(why), std::string::npos) << result.error().message;
        EXPECT_EQ(result.error().message.find('\n'), std::string::npos) << "one line";
        return result.error();
    }

    std::optional<std::int64_t> recorded_version() const {
        auto state = load_version_state(m_placement.version_state);
        EXPECT_TRUE(state) << state.error();
        if (!state || state->count("daemonset-isolate") == 0) {
            return std::nullopt;
        }
        return state->at("daemonset-isolate");
    }

    fs::path m_root;
    breakglass::playbooks::testing::Ed25519Signer m_signer;
    PreflightRequest m_request;
    Placement m_placement;
    int m_placed = 0;
};

} // namespace

TEST_F(PreflightTest, ASignedPlaybookInScopeIsClearedAndItsVersionRecorded) {
    auto cleared = run();
    ASSERT_TRUE(cleared) << cleared.error().message;
    EXPECT_EQ(cleared->signer.principal, "oncall@example");
    EXPECT_EQ(cleared->signer.key_type, "ssh-ed25519");
    EXPECT_EQ(cleared->playbook.version, 3);
    ASSERT_EQ(cleared->params.size(), 1U);
    EXPECT_EQ(cleared->params[0].value, "kube-system/agent");
    EXPECT_EQ(m_placed, 1);
    EXPECT_EQ(recorded_version(), 3);
    EXPECT_TRUE(run()) << "the same version again is fine";
}

TEST_F(PreflightTest, UnreadableFilesAreNamed) {
    fs::remove(m_request.files.allowed_signers);
    EXPECT_EQ(
        refused_as(PreflightRefusalKind::unreadable, "allowed_signers ")
            .message.rfind("allowed_signers " + m_request.files.allowed_signers.string() + ": ", 0),
        0U);
    // A signature past 1 MiB is refused before it is read.
    write(m_request.files.signature, std::string((1U << 20U) + 1U, 'x'));
    refused_as(PreflightRefusalKind::unreadable, "signature ");
    refused_as(PreflightRefusalKind::unreadable, "larger than 1048576 bytes");
    fs::remove(m_request.files.playbook);
    refused_as(PreflightRefusalKind::unreadable, "playbook " + m_request.files.playbook.string());
    EXPECT_EQ(m_placed, 0);
}

TEST_F(PreflightTest, SignatureRefusalsKeepTheSignaturesKind) {
    // The bytes changed after signing.
    write(m_request.files.playbook, isolate_playbook().dump(4));
    auto tampered = refused_as(PreflightRefusalKind::signature, "refused (bad_signature): ");
    EXPECT_EQ(tampered.signature, RefusalKind::bad_signature);

    sign_and_write(isolate_playbook().dump(2));
    const breakglass::playbooks::testing::Ed25519Signer stranger;
    write(m_request.files.allowed_signers, stranger.allowed_signers_line("oncall@example"));
    EXPECT_EQ(refused_as(PreflightRefusalKind::signature, "(unknown_signer)").signature,
              RefusalKind::unknown_signer);

    // The signer's own validity window (allowed_signers valid-after/valid-before), at `now`.
    write(m_request.files.allowed_signers,
          m_signer.allowed_signers_line("oncall@example", "valid-before=\"20260110Z\""));
    EXPECT_EQ(refused_as(PreflightRefusalKind::signature, "(expired_key)").signature,
              RefusalKind::expired_key);
    write(m_request.files.allowed_signers,
          m_signer.allowed_signers_line("oncall@example", "valid-after=\"20260120Z\""));
    EXPECT_EQ(refused_as(PreflightRefusalKind::signature, "(not_yet_valid)").signature,
              RefusalKind::not_yet_valid);
    write(m_request.files.signature, "not armor");
    EXPECT_EQ(refused_as(PreflightRefusalKind::signature, "(malformed)").signature,
              RefusalKind::malformed);
    EXPECT_EQ(m_placed, 0);
}

TEST_F(PreflightTest, SignedBytesThatAreNotAPlaybookAreASchemaRefusal) {
    sign_and_write("name: restart-kubelet\n");
    const PreflightRefusal refusal = refused_as(PreflightRefusalKind::schema, "refused (schema): ");
    EXPECT_FALSE(refusal.signature);
}

TEST_F(PreflightTest, TheValidityWindowIsClassifiedByKind) {
    m_request.now = utc(2026, 2, 1, std::chrono::minutes(5));
    refused_as(PreflightRefusalKind::expired, "refused (expired): expired at ");
    m_request.now = utc(2025, 12, 31,
                        std::chrono::hours(24) - std::chrono::minutes(5) - std::chrono::seconds(1));
    refused_as(PreflightRefusalKind::not_yet_valid, "refused (not_yet_valid): not yet valid");
    EXPECT_EQ(m_placed, 0);
}

TEST_F(PreflightTest, AShippedActionCommandRunsOnlyItsOwnName) {
    m_request.bound_name = "daemonset-status";
    refused_as(PreflightRefusalKind::name, "refused (name): ");
    EXPECT_EQ(m_placed, 0);
    m_request.bound_name = "daemonset-isolate";
    EXPECT_TRUE(run());
}

TEST_F(PreflightTest, ParametersAreBoundBeforeTheRunIsPlaced) {
    m_request.assignments = {};
    refused_as(PreflightRefusalKind::parameter, "playbook daemonset-isolate refused (parameter): ");
    m_request.assignments = {"daemonset=Not Valid"};
    refused_as(PreflightRefusalKind::parameter, "(parameter)");
    EXPECT_EQ(m_placed, 0);
}

TEST_F(PreflightTest, AClusterOutOfScopeIsRefusedAndNothingIsRecorded) {
    m_placement.cluster = "prod-us";
    refused_as(PreflightRefusalKind::scope, "refused (scope): inventory cluster 'prod-us'");
    EXPECT_EQ(m_placed, 1);
    EXPECT_FALSE(fs::exists(m_placement.version_state));
}

TEST_F(PreflightTest, ARollbackIsRefusedAndTheRecordKeepsTheHigherVersion) {
    fs::create_directories(m_placement.version_state.parent_path());
    write(m_placement.version_state,
          R"({"schema_version":1,"playbooks":{"daemonset-isolate":{"version":4}}})");
    refused_as(PreflightRefusalKind::rollback, "playbook daemonset-isolate refused (rollback): ");
    EXPECT_EQ(recorded_version(), 4);
}

TEST_F(PreflightTest, AVersionRecordThatCannotBeReadOrWrittenIsAStateRefusal) {
    fs::create_directories(m_placement.version_state.parent_path());
    write(m_placement.version_state, "{not json");
    const PreflightRefusal unreadable = refused_as(PreflightRefusalKind::state, "");
    EXPECT_EQ(unreadable.message.find("refused"), std::string::npos) << unreadable.message;

    // The record's directory cannot be made: a file stands where it should be.
    write(m_root / "blocked", "");
    m_placement.version_state = m_root / "blocked" / "playbook-versions.json";
    refused_as(PreflightRefusalKind::state, "state directory ");
}

TEST(PreflightRefusalKind, HasStableNames) {
    EXPECT_EQ(to_string(PreflightRefusalKind::unreadable), "unreadable");
    EXPECT_EQ(to_string(PreflightRefusalKind::not_yet_valid), "not_yet_valid");
    EXPECT_EQ(to_string(PreflightRefusalKind::rollback), "rollback");
    EXPECT_EQ(to_string(PreflightRefusalKind::state), "state");
}
