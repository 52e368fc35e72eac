// Jump hosts against the lab: the client sits in a namespace of its own from which no node is
// reachable; bastion 1 is joined to it by a unix-socket relay, bastion 2 only by bastion 1.
#include "tests/integration/support/lab_fleet.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::LabFleet;
using breakglass::testing::nodes_of;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;

namespace {

class JumpHostTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
    }

    void start_fleet(int nodes) {
        m_fleet = std::make_unique<LabFleet>(
            ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, 3,
            std::vector<std::string>{"--bastions"});
        m_inventory = m_dir.path() + "/inventory.json";
        m_fleet->import_inventory(m_inventory);
    }

    const nlohmann::json& fleet() const { return m_fleet->description(); }
    std::string bastion(std::size_t index) const {
        return "root@" + fleet()["bastions"][index]["address"].get<std::string>() + ":22";
    }

    // breakglass exec in the client's namespace, where only bastion 1 is reachable. Read-only:
    // the commands change nothing, and the cases hold five nodes in flight at once (a mutating
    // run's one-node canary would wait for the other four forever).
    ProcessResult from_client(std::vector<std::string> args,
                              const std::string& known_hosts = "") const {
        std::vector<std::string> argv{
            "nsenter",
            "--net=/var/run/netns/" + fleet()["client_netns"].get<std::string>(),
            "--",
            breakglass::testing::breakglass_binary(),
            "exec",
            "--read-only",
            "-i",
            m_inventory,
            "--allowed-signers",
            fleet()["allowed_signers"].get<std::string>(),
            "--known-hosts",
            known_hosts.empty() ? fleet()["known_hosts"].get<std::string>() : known_hosts};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, std::chrono::seconds(120));
    }

    static int accepted_logins(const std::string& log) {
        std::ifstream stream(log);
        int count = 0;
        for (std::string line; std::getline(stream, line);) {
            count += line.find("Accepted publickey") != std::string::npos ? 1 : 0;
        }
        return count;
    }

    int node_logins() const {
        int total = 0;
        for (const auto& sshd : fleet()["sshds"]) {
            total += accepted_logins(sshd["log"]);
        }
        return total;
    }

    // The outcome of the fleet's nodes (15) run 5 at a time through `jump` while the first
    // bastion's connection drops under the first five (defined after Gate).
    struct DropOutcome {
        int ok = 0;
        int jump_failed = 0;
        int started = 0; // nodes whose command started
        std::string out;
    };
    DropOutcome run_while_first_bastion_drops(const std::string& jump);

    TempDir m_dir;
    std::unique_ptr<LabFleet> m_fleet;
    std::string m_inventory;
};

// Holds node commands until the test lets them go: each node's command marks that it started
// (the lab's nodes share this machine's file system) and waits for the gate file. Tests
// synchronise on these files, never on sleeps.
class Gate {
public:
    explicit Gate(const std::string& dir) : m_dir(dir + "/gate") {
        std::filesystem::create_directories(m_dir);
    }

    std::string command() const {
        return "mktemp " + m_dir + "/started.XXXXXX >/dev/null; until [ -e " + m_dir +
               "/open ]; do sleep 0.05; done";
    }

    int started() const {
        int count = 0;
        for (const auto& entry : std::filesystem::directory_iterator(m_dir)) {
            count += entry.path().filename().string().rfind("started.", 0) == 0 ? 1 : 0;
        }
        return count;
    }

    // True once `count` nodes started; false after a minute (a hung run, reported, not waited).
    bool wait_started(int count) const {
        for (int tries = 0; tries < 1200; ++tries) {
            if (started() >= count) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

    void open() const { std::ofstream(m_dir + "/open") << "open\n"; }

private:
    std::string m_dir;
};

JumpHostTest::DropOutcome JumpHostTest::run_while_first_bastion_drops(const std::string& jump) {
    const Gate gate(m_dir.path());
    std::thread dropper([&] {
        // The first five nodes are held by the gate until the connection is gone, so exactly
        // five are in flight when it drops, whatever the machine's speed.
        const bool started = gate.wait_started(5);
        std::ifstream pid_file(fleet()["bastions"][0]["pid_file"].get<std::string>());
        int pid = 0;
        pid_file >> pid;
        run_process({"pkill", "-9", "-P", std::to_string(pid)}); // the connection, not sshd
        gate.open();
        EXPECT_TRUE(started) << "five nodes never started";
    });
    auto result = from_client({"-o", "json", "-J", jump, "-p", "5", "--", gate.command()});
    dropper.join();
    DropOutcome outcome;
    outcome.out = result.out;
    const auto document = nlohmann::json::parse(result.out);
    for (const auto& node : document["nodes"]) {
        outcome.ok += node["status"] == "ok" ? 1 : 0;
        outcome.jump_failed += node["reason"] == "jump-failed" ? 1 : 0;
    }
    outcome.started = gate.started();
    return outcome;
}

} // namespace

TEST_F(JumpHostTest, TwoHundredNodesOnlyThroughTheBastionOverOneSession) {
    start_fleet(200);
    auto direct =
        from_client({"-o", "json", "--limit", "5", "--connect-timeout", "1s", "--", "true"});
    EXPECT_EQ(direct.exit_code, 1);
    for (const auto& node : nodes_of(direct.out)) {
        EXPECT_EQ(node["status"], "unreachable") << "no node is reachable without the bastion";
    }

    auto jumped = from_client({"-o", "json", "-J", bastion(0), "--", "echo $SSH_CONNECTION"});
    ASSERT_EQ(jumped.exit_code, 0) << jumped.err;
    auto document = nlohmann::json::parse(jumped.out);
    ASSERT_EQ(document["nodes"].size(), 200U);
    for (const auto& node : document["nodes"]) {
        ASSERT_EQ(node["status"], "ok") << node.dump();
        EXPECT_EQ(node["via"], bastion(0));
        std::istringstream fields(node["stdout"].get<std::string>());
        std::string client, port, server;
        fields >> client >> port >> server;
        EXPECT_EQ(server, node["address"]);
    }
    EXPECT_EQ(accepted_logins(fleet()["bastions"][0]["log"]), 1)
        << "every node session went through one bastion connection";
}

TEST_F(JumpHostTest, ChainOfTwoBastions) {
    start_fleet(12);
    auto result = from_client({"-o", "json", "-J", bastion(0) + "," + bastion(1), "--", "true"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out)["summary"]["ok"], 12);
    EXPECT_EQ(accepted_logins(fleet()["bastions"][0]["log"]), 1);
    EXPECT_EQ(accepted_logins(fleet()["bastions"][1]["log"]), 1);
}

TEST_F(JumpHostTest, ChangedBastionKeyFailsEveryNodeBehindItAndContactsNone) {
    start_fleet(10);
    // known_hosts where bastion 1's address carries another host's key.
    const std::string known_hosts = m_dir.path() + "/known_hosts";
    {
        std::ifstream in(fleet()["known_hosts"].get<std::string>());
        std::ofstream out(known_hosts);
        const std::string address = fleet()["bastions"][0]["address"];
        for (std::string line; std::getline(in, line);) {
            out << (line.rfind(address + " ", 0) == 0
                        ? address + " " + fleet()["sshds"][0]["host_key"].get<std::string>()
                        : line)
                << '\n';
        }
    }
    const int before = node_logins();
    auto result = from_client({"-o", "json", "-J", bastion(0), "--", "true"}, known_hosts);
    EXPECT_EQ(result.exit_code, 1);
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_EQ(node["status"], "unreachable");
        EXPECT_EQ(node["reason"], "jump-failed");
        EXPECT_NE(node["message"].get<std::string>().find("hostkey-changed"), std::string::npos)
            << node["message"];
    }
    EXPECT_EQ(node_logins(), before) << "no node may be contacted";
    EXPECT_EQ(accepted_logins(fleet()["bastions"][0]["log"]), 0);
}

TEST_F(JumpHostTest, KilledBastionEndsRemainingNodesClearlyBeforeTheDeadline) {
    start_fleet(20);
    const Gate gate(m_dir.path());
    std::thread killer([&] {
        // Once five nodes run (held by the gate), the bastion dies under them.
        const bool started = gate.wait_started(5);
        std::ifstream pid_file(fleet()["bastions"][0]["pid_file"].get<std::string>());
        int pid = 0;
        pid_file >> pid;
        run_process({"pkill", "-9", "-P", std::to_string(pid)}); // its session processes
        ::kill(pid, SIGKILL);                                    // and the listener
        gate.open();
        EXPECT_TRUE(started) << "five nodes never started";
    });
    auto result = from_client(
        {"-o", "json", "-J", bastion(0), "-p", "5", "--deadline", "40s", "--", gate.command()});
    killer.join();
    EXPECT_EQ(result.exit_code, 1);
    // Every node ends for the jump failure, none for the 40 s deadline: the run did not wait
    // for it (a state, not a clock: exec_timing_test.cpp has the clocks).
    int jump_failed = 0;
    for (const auto& node : nodes_of(result.out)) {
        EXPECT_NE(node["status"], "ok") << node.dump();
        jump_failed += node["reason"] == "jump-failed" ? 1 : 0;
    }
    EXPECT_EQ(jump_failed, 20) << result.out;
}

TEST_F(JumpHostTest, DroppedBastionConnectionIsReestablishedOnceWithoutRerunningStartedNodes) {
    start_fleet(15);
    const auto outcome = run_while_first_bastion_drops(bastion(0));
    // The five in flight lost their tunnel and are not re-run; the rest ran on the new one.
    EXPECT_EQ(outcome.jump_failed, 5) << outcome.out;
    EXPECT_EQ(outcome.ok, 10) << outcome.out;
    EXPECT_EQ(accepted_logins(fleet()["bastions"][0]["log"]), 2);
    EXPECT_EQ(outcome.started, 15) << "every node ran its command once";
}

// The first hop of a chain drops while nodes run through the second: the pool ends and frees
// the second hop's connection (its tunnel is a channel on the first hop's) before the first
// hop's, then re-establishes both once, parents first.
TEST_F(JumpHostTest, DroppedFirstHopOfAChainIsReestablishedWithTheHopBehindIt) {
    start_fleet(15);
    const auto outcome = run_while_first_bastion_drops(bastion(0) + "," + bastion(1));
    EXPECT_EQ(outcome.jump_failed, 5) << outcome.out;
    EXPECT_EQ(outcome.ok, 10) << outcome.out;
    EXPECT_EQ(accepted_logins(fleet()["bastions"][0]["log"]), 2);
    EXPECT_EQ(accepted_logins(fleet()["bastions"][1]["log"]), 2);
    EXPECT_EQ(outcome.started, 15) << "every node ran its command once";
}

TEST(JumpHostParse, NameInsteadOfAddressIsAUsageError) {
    TempDir dir;
    const std::string inventory = dir.path() + "/inventory.json";
    std::ofstream(inventory) << R"({"schema_version":1,"cluster":"c","captured_at":")"
                             << "2099-01-01T00:00:00Z"
                             << R"(","source":"test","defaults":{},"nodes":[)"
                             << R"({"name":"n1","address":"127.0.0.1"}]})";
    auto result = run_process({breakglass::testing::breakglass_binary(), "exec", "--read-only",
                               "-i", inventory, "-J", "root@bastion.example:22", "--", "true"});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("not an IP address"), std::string::npos) << result.err;
}
