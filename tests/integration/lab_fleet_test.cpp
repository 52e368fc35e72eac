// The lab fleet itself: real sshds in a namespace the test makes, reached with the plain OpenSSH
// client, so later suites can trust it.
#include "tests/integration/support/lab_fleet.hpp"

#include <set>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::run_process;

namespace {

std::vector<std::string> plain_ssh(const nlohmann::json& fleet, const nlohmann::json& node,
                                   const std::string& user, const std::string& command) {
    return {"ssh",
            "-F",
            "/dev/null",
            "-i",
            fleet["client_key"],
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + fleet["known_hosts"].get<std::string>(),
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "KexAlgorithms=curve25519-sha256",
            "-p",
            std::to_string(node["port"].get<int>()),
            user + "@" + node["address"].get<std::string>(),
            command};
}

class LabFleetTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
    }
};

} // namespace

TEST_F(LabFleetTest, ThousandAddressesOverThreeSshdsAnswerPlainSsh) {
    LabFleet fleet("fleet1000", 1000, 3);
    const auto& description = fleet.description();
    ASSERT_EQ(description["nodes"].size(), 1000U);
    ASSERT_EQ(description["sshds"].size(), 3U);

    std::set<std::string> addresses;
    std::set<std::string> host_keys;
    for (const auto& node : description["nodes"]) {
        addresses.insert(node["address"].get<std::string>());
    }
    for (const auto& sshd : description["sshds"]) {
        host_keys.insert(sshd["host_key"].get<std::string>());
    }
    EXPECT_EQ(addresses.size(), 1000U) << "node addresses must be distinct";
    EXPECT_EQ(host_keys.size(), 3U) << "every sshd has its own host key";
    for (const std::string& address : addresses) {
        EXPECT_EQ(address.rfind("127.", 0), 0U) << address << " is not on loopback";
    }

    // One node of each sshd (and the last node), as root and as the sudo user.
    std::vector<nlohmann::json> targets;
    for (int sshd = 0; sshd < 3; ++sshd) {
        for (const auto& node : description["nodes"]) {
            if (node["sshd"] == sshd) {
                targets.push_back(node);
                break;
            }
        }
    }
    targets.push_back(description["nodes"].back());
    for (const auto& node : targets) {
        auto result = run_process(
            fleet.in_namespace(plain_ssh(description, node, "root", "echo $SSH_CONNECTION")));
        ASSERT_EQ(result.exit_code, 0) << node.dump() << ": " << result.err;
        // The third field is the address the session was reached at: the node's own.
        std::istringstream fields(result.out);
        std::string client, client_port, server;
        fields >> client >> client_port >> server;
        EXPECT_EQ(server, node["address"].get<std::string>());

        auto sudo = run_process(fleet.in_namespace(plain_ssh(
            description, node, description["users"]["sudo"].get<std::string>(), "sudo -n id -u")));
        EXPECT_EQ(sudo.out, "0\n") << sudo.err;
    }

    auto check = run_process(
        {breakglass::testing::source_dir() + "/lab/fleet", "check", "--name", fleet.name()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(LabFleetTest, PlainSshRefusesAHostKeyFromAnotherSshd) {
    LabFleet fleet("wrongkey", 3, 3);
    auto description = fleet.description();
    auto node = description["nodes"][0];
    // Point node 1's address at sshd 1's port: the key presented is not the one pinned.
    node["port"] = description["sshds"][1]["port"];
    auto result = run_process(fleet.in_namespace(plain_ssh(description, node, "root", "true")));
    EXPECT_NE(result.exit_code, 0);
}

TEST_F(LabFleetTest, PasswordSudoUserCannotSudoNonInteractively) {
    LabFleet fleet("pwsudo", 1, 1);
    const auto& description = fleet.description();
    auto result =
        run_process(fleet.in_namespace(plain_ssh(
                        description, description["nodes"][0],
                        description["users"]["sudo_password"].get<std::string>(), "sudo -n true")),
                    std::chrono::seconds(20));
    EXPECT_FALSE(result.timed_out);
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("password"), std::string::npos) << result.err;
}

TEST_F(LabFleetTest, UpIsIdempotentAndCleansUpAfterAKilledRun) {
    const std::string script = breakglass::testing::source_dir() + "/lab/fleet";
    const std::string name = "idem-" + std::to_string(::getpid());
    // A killed run leaves a namespace and a half-made directory behind.
    ASSERT_EQ(run_process({"ip", "netns", "add", "bglab-" + name}).exit_code, 0);
    auto up = run_process({script, "up", "--name", name, "--nodes", "5", "--sshds", "2"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    auto again = run_process({script, "up", "--name", name, "--nodes", "5", "--sshds", "2"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already up"), std::string::npos) << again.out;
    EXPECT_EQ(run_process({script, "down", "--name", name}).exit_code, 0);
    EXPECT_EQ(run_process({script, "down", "--name", name}).exit_code, 0);
    auto namespaces = run_process({"ip", "netns", "list"});
    EXPECT_EQ(namespaces.out.find("bglab-" + name), std::string::npos);
}

TEST_F(LabFleetTest, BadArgumentsAreOneLineErrors) {
    const std::string script = breakglass::testing::source_dir() + "/lab/fleet";
    auto result = run_process({script, "up", "--name", "Bad_Name", "--nodes", "1"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("--name"), std::string::npos);
}
