// `breakglass exec` against the real lab fleet: real sshds, real keys, real sudo. How long the
// timeouts take is asserted in exec_timing_test.cpp (label `timing`), never here: these tests
// also run under the sanitizers on a loaded machine.
#include "tests/integration/support/lab_fleet.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::nodes_of;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;

namespace {

class ExecTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
    }

    // Brings up a fleet and imports it the way users import theirs.
    void start_fleet(int nodes, int sshds = 3) {
        m_fleet = std::make_unique<LabFleet>(
            ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, sshds);
        m_inventory = m_dir.path() + "/inventory.json";
        m_fleet->import_inventory(m_inventory);
    }

    nlohmann::json inventory() const {
        std::ifstream stream(m_inventory);
        return nlohmann::json::parse(stream);
    }

    // Writes the edited inventory and signs it again, as its owner would.
    void save_inventory(const nlohmann::json& document) const {
        std::ofstream(m_inventory) << document.dump(2);
        m_fleet->sign_inventory(m_inventory);
    }

    // exec --read-only: these commands change nothing, and a transport test wants every node
    // started at once (no canary, no waves, no failure budget stopping the nodes it fails).
    ProcessResult exec(std::vector<std::string> args,
                       std::chrono::milliseconds timeout = std::chrono::seconds(120)) const {
        std::vector<std::string> full{"exec", "-i", m_inventory, "--read-only"};
        full.insert(full.end(), args.begin(), args.end());
        return m_fleet->breakglass(full, timeout);
    }

    static nlohmann::json by_name(const nlohmann::json& document) {
        nlohmann::json nodes = nlohmann::json::object();
        for (const auto& node : document["nodes"]) {
            nodes[node["name"].get<std::string>()] = node;
        }
        return nodes;
    }

    TempDir m_dir;
    std::unique_ptr<LabFleet> m_fleet;
    std::string m_inventory;
};

} // namespace

TEST_F(ExecTest, TwoHundredNodesOverThreeSshdsAllOkWithTheirOwnOutput) {
    start_fleet(200, 3);
    // The default exec, which may change nodes: canary, then the waves, every node ok.
    auto result = m_fleet->breakglass(
        {"exec", "-i", m_inventory, "--yes", "-o", "json", "--", "echo $SSH_CONNECTION"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto document = nlohmann::json::parse(result.out);
    EXPECT_EQ(document["schema_version"], 1);
    ASSERT_EQ(document["nodes"].size(), 200U);
    EXPECT_EQ(document["summary"]["ok"], 200);
    for (const auto& node : document["nodes"]) {
        ASSERT_EQ(node["status"], "ok") << node.dump();
        std::istringstream fields(node["stdout"].get<std::string>());
        std::string client, port, server;
        fields >> client >> port >> server;
        EXPECT_EQ(server, node["address"]) << "each node answers at its own address";
    }
}

TEST_F(ExecTest, SwappedPinnedKeyEndsHostkeyChangedForExactlyThoseNodes) {
    start_fleet(9, 3);
    auto document = inventory();
    // node0001 is served by sshd 0 and node0002 by sshd 1: swap their pinned keys.
    std::swap(document["nodes"][0]["host_keys"], document["nodes"][1]["host_keys"]);
    save_inventory(document);
    auto result = exec({"-o", "json", "--", "true"});
    EXPECT_EQ(result.exit_code, 1);
    auto nodes = by_name(nlohmann::json::parse(result.out));
    EXPECT_EQ(nodes["node0001"]["status"], "hostkey-changed");
    EXPECT_EQ(nodes["node0002"]["status"], "hostkey-changed");
    for (const auto& [name, node] : nodes.items()) {
        if (name != "node0001" && name != "node0002") {
            EXPECT_EQ(node["status"], "ok") << name;
        }
    }
}

TEST_F(ExecTest, NodeWithoutPinnedKeyOrKnownHostsEntryIsHostkeyUnknown) {
    start_fleet(3, 3);
    auto document = inventory();
    document["nodes"][2]["host_keys"] = nlohmann::json::array();
    save_inventory(document);
    std::ofstream(m_dir.path() + "/empty_known_hosts") << "";
    auto result =
        exec({"-o", "json", "--known-hosts", m_dir.path() + "/empty_known_hosts", "--", "true"});
    EXPECT_EQ(result.exit_code, 1);
    auto nodes = by_name(nlohmann::json::parse(result.out));
    EXPECT_EQ(nodes["node0003"]["status"], "hostkey-unknown");
    EXPECT_EQ(nodes["node0001"]["status"], "ok");

    // The lab's known_hosts knows it: then it is trusted through known_hosts.
    auto trusted = exec({"-o", "json", "--known-hosts",
                         m_fleet->description()["known_hosts"].get<std::string>(), "--", "true"});
    EXPECT_EQ(trusted.exit_code, 0) << trusted.out;
}

TEST_F(ExecTest, UnauthorizedKeyIsAuthFailed) {
    start_fleet(3, 3);
    const std::string stranger = m_dir.path() + "/stranger";
    ASSERT_EQ(
        run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger}).exit_code, 0);
    auto result = exec({"-o", "json", "--identity", stranger, "--", "true"});
    EXPECT_EQ(result.exit_code, 1);
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_EQ(node["status"], "auth-failed") << node.dump();
    }
}

TEST_F(ExecTest, NothingListeningIsUnreachableWithinConnectTimeout) {
    start_fleet(4, 2);
    auto document = inventory();
    document["nodes"][0]["port"] = 2299; // refused at once
    document["nodes"][1]["port"] = 2298; // silently dropped: only the connect timeout ends it
    save_inventory(document);
    ASSERT_EQ(run_process(m_fleet->in_namespace({"iptables", "-A", "INPUT", "-p", "tcp", "--dport",
                                                 "2298", "-j", "DROP"}))
                  .exit_code,
              0);
    auto result = exec({"-o", "json", "--connect-timeout", "1s", "--", "true"});
    EXPECT_EQ(result.exit_code, 1);
    auto nodes = by_name(nlohmann::json::parse(result.out));
    EXPECT_EQ(nodes["node0001"]["status"], "unreachable");
    EXPECT_EQ(nodes["node0001"]["reason"], "connect-failed");
    EXPECT_EQ(nodes["node0002"]["status"], "unreachable");
    EXPECT_EQ(nodes["node0002"]["reason"], "connect-timeout");
    EXPECT_EQ(nodes["node0003"]["status"], "ok");
}

TEST_F(ExecTest, SlowCommandEndsTimeoutAfterItsTimeout) {
    start_fleet(2, 1);
    auto result = exec({"-o", "json", "--timeout", "2s", "--", "sleep 30"});
    EXPECT_EQ(result.exit_code, 1);
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_EQ(node["status"], "timeout");
        EXPECT_EQ(node["reason"], "command-timeout");
    }
}

TEST_F(ExecTest, DeadlineEndsARunOfHangingCommandsOnTime) {
    start_fleet(20, 3);
    auto result = exec({"-o", "json", "-p", "4", "--deadline", "3s", "--", "sleep 60"});
    EXPECT_EQ(result.exit_code, 1);
    auto document = nlohmann::json::parse(result.out);
    ASSERT_EQ(document["nodes"].size(), 20U);
    for (const auto& node : document["nodes"]) {
        EXPECT_EQ(node["status"], "timeout") << node.dump();
    }
}

TEST_F(ExecTest, BecomeRunsAsRootForTheSudoUser) {
    start_fleet(3, 3);
    const std::string user = m_fleet->description()["users"]["sudo"];
    auto result = exec({"-o", "json", "--user", user, "--become", "--", "id -u"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_EQ(node["stdout"], "0\n");
    }
    auto plain = exec({"-o", "json", "--user", user, "--", "id -u"});
    for (const auto& node : nodes_of(plain.out)) {
        EXPECT_NE(node["stdout"], "0\n") << "without --become the login user runs it";
    }
}

TEST_F(ExecTest, SudoThatWantsAPasswordIsBecomeDeniedQuickly) {
    start_fleet(2, 1);
    const std::string user = m_fleet->description()["users"]["sudo_password"];
    auto result =
        exec({"-o", "json", "--user", user, "--become", "--", "id -u"}, std::chrono::seconds(30));
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 1);
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_EQ(node["status"], "failed");
        EXPECT_EQ(node["reason"], "become-denied");
    }
}

TEST_F(ExecTest, JsonJsonlAndHumanSummaryAgree) {
    start_fleet(12, 3);
    auto document = inventory();
    document["nodes"][0]["port"] = 2299;
    save_inventory(document);
    const std::string command = "echo out; echo err >&2; test $(hostname) = never";
    auto json = exec({"-o", "json", "--", command});
    auto jsonl = exec({"-o", "jsonl", "--", command});
    auto human = exec({"--", command});
    EXPECT_EQ(json.exit_code, 1);
    EXPECT_EQ(jsonl.exit_code, 1);
    EXPECT_EQ(human.exit_code, 1);

    auto whole = nlohmann::json::parse(json.out);
    std::map<std::string, std::string> from_json;
    for (const auto& node : whole["nodes"]) {
        from_json[node["name"]] = node["status"];
    }
    std::map<std::string, std::string> from_jsonl;
    nlohmann::json summary;
    std::istringstream lines(jsonl.out);
    for (std::string line; std::getline(lines, line);) {
        auto object = nlohmann::json::parse(line);
        EXPECT_EQ(object["schema_version"], 1);
        if (object["type"] == "node") {
            from_jsonl[object["name"]] = object["status"];
        } else {
            summary = object["summary"];
        }
    }
    EXPECT_EQ(from_json, from_jsonl);
    EXPECT_EQ(summary, whole["summary"]);
    EXPECT_EQ(whole["summary"]["failed"], 11);
    EXPECT_EQ(whole["summary"]["unreachable"], 1);
    // Human: streamed lines and a summary line per outcome with a folded node set.
    EXPECT_NE(human.out.find("node0002: out\n"), std::string::npos) << human.out;
    EXPECT_NE(human.err.find("node0002: err\n"), std::string::npos) << human.err;
    EXPECT_NE(human.err.find("failed (exit 1): 11 node[0002-0012]"), std::string::npos)
        << human.err;
    EXPECT_NE(human.err.find("unreachable (connect-failed): 1 node0001"), std::string::npos)
        << human.err;
}

TEST_F(ExecTest, GatheredOutputCoalescesIdenticalNodes) {
    start_fleet(6, 3);
    auto result = exec({"-b", "--", "echo same"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("node[0001-0006] (6)\n---------------\nsame\n"), std::string::npos)
        << result.out;
}

TEST_F(ExecTest, CertificateSignedByTrustedCaAuthenticatesAKeyInNoAuthorizedKeys) {
    start_fleet(2, 1);
    const std::string key = m_dir.path() + "/certified";
    ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key}).exit_code, 0);
    auto without = exec({"-o", "json", "--identity", key, "--", "true"});
    EXPECT_EQ(without.exit_code, 1) << "the bare key is in no authorized_keys";
    // Sign it: sshd trusts the lab's user CA; breakglass picks up KEY-cert.pub beside the key.
    ASSERT_EQ(
        run_process({"ssh-keygen", "-q", "-s", m_fleet->description()["user_ca"].get<std::string>(),
                     "-I", "breakglass-test", "-n", "root", "-V", "+1h", key + ".pub"})
            .exit_code,
        0);
    auto with = exec({"-o", "json", "--identity", key, "--", "true"});
    EXPECT_EQ(with.exit_code, 0) << with.out << with.err;
}

TEST_F(ExecTest, SshAgentAuthenticatesWhenNoIdentityFileIsGiven) {
    start_fleet(2, 1);
    auto document = inventory();
    document["defaults"]["identities"] = nlohmann::json::array();
    save_inventory(document);
    const std::string socket = m_dir.path() + "/agent.sock";
    auto agent = run_process({"ssh-agent", "-a", socket});
    ASSERT_EQ(agent.exit_code, 0) << agent.err;
    const std::string pid = agent.out.substr(agent.out.find("SSH_AGENT_PID=") + 14);
    const std::vector<std::string> env{"SSH_AUTH_SOCK=" + socket, "HOME=" + m_dir.path()};
    ASSERT_EQ(run_process({"ssh-add", m_fleet->description()["client_key"].get<std::string>()},
                          std::chrono::seconds(10), "", env)
                  .exit_code,
              0);
    auto result =
        run_process(m_fleet->in_namespace({breakglass::testing::breakglass_binary(), "exec", "-i",
                                           m_inventory, "-o", "json", "--read-only", "--", "true"}),
                    std::chrono::seconds(60), "", env);
    run_process({"kill", pid.substr(0, pid.find(';'))});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}
