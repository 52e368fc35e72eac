// Nothing unsigned decides what runs as root (issue 14), against the real lab fleet: become is a
// method from every source, a signed playbook runs only under its own command, an inventory must
// be signed for runs that change nodes, a host-key scan never pins a type it did not ask for,
// and no run talks to anything but the inventory's nodes (under strace).
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/text_search.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

using breakglass::testing::breakglass_binary;
using breakglass::testing::count_lines_with;
using breakglass::testing::LabFleet;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using nlohmann::json;

namespace {

// One fleet for the suite: every test starts from a freshly imported, signed inventory.
class TrustBoundaries : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!LabFleet::missing_prerequisite().empty()) {
            return;
        }
        s_fleet = new LabFleet("trust", 3, 1); // NOLINT: the suite's, deleted in TearDownTestSuite
    }
    static void TearDownTestSuite() {
        delete s_fleet;
        s_fleet = nullptr;
    }

    void SetUp() override {
        if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
            GTEST_SKIP() << missing;
        }
        m_inventory = m_dir.path() + "/inventory.json";
        s_fleet->import_inventory(m_inventory);
        m_marker = m_dir.path() + "/marker";
    }

    const json& lab() const { return s_fleet->description(); }
    std::string cluster() const { return "lab-" + s_fleet->name(); }

    json inventory() const { return json::parse(read_text(m_inventory)); }
    void write_inventory(const json& document) const {
        std::ofstream(m_inventory, std::ios::trunc) << document.dump(2);
    }

    // `breakglass ARGS` with the inventory and the lab's signers, and for commands that log in
    // the lab's client key (all before any `--`).
    std::vector<std::string> command(std::vector<std::string> args) const {
        auto end = std::find(args.begin(), args.end(), "--");
        end = args.insert(end, {"-i", m_inventory, "--allowed-signers",
                                lab()["allowed_signers"].get<std::string>()});
        if (args.front() != "inventory") {
            args.insert(end, {"--identity", lab()["client_key"].get<std::string>()});
        }
        args.insert(args.begin(), breakglass_binary());
        return args;
    }

    // breakglass in the fleet's namespace (see command), with `env` added.
    ProcessResult breakglass(std::vector<std::string> args,
                             const std::vector<std::string>& env = {}) const {
        return run_process(s_fleet->in_namespace(command(std::move(args))),
                           std::chrono::seconds(120), "", env);
    }

    // exec of a command that leaves the marker on whichever node runs it: a mutating run, so
    // --yes (no terminal here to confirm it on).
    ProcessResult exec_marking(std::vector<std::string> flags) const {
        std::vector<std::string> args{"exec", "--yes", "-o", "json"};
        args.insert(args.end(), flags.begin(), flags.end());
        args.insert(args.end(), {"--", "touch " + m_marker});
        return breakglass(args);
    }

    // Bundles and signs the shipped playbook NAME for the lab's cluster into DIR.
    void sign_shipped(const std::string& name, const std::string& dir) const {
        auto signed_ = run_process({breakglass::testing::source_dir() + "/playbooks/sign-shipped",
                                    "--key", lab()["signer_key"].get<std::string>(), "--cluster",
                                    cluster(), "--valid-for", "1h", "--out", dir, "--only", name,
                                    "--breakglass", breakglass_binary()});
        ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    }

    static LabFleet* s_fleet;
    TempDir m_dir;
    std::string m_inventory;
    std::string m_marker;
};

LabFleet* TrustBoundaries::s_fleet = nullptr;

} // namespace

TEST_F(TrustBoundaries, BecomeCarryingACommandIsRefusedFromEverySource) {
    const std::string payload = "touch " + m_marker + "; sudo -n";
    const std::string sudo_user = lab()["users"]["sudo"];
    // The inventory: even signed by a trusted key, a command line is not a method.
    json document = inventory();
    document["defaults"]["become"] = payload;
    document["defaults"]["user"] = sudo_user;
    write_inventory(document);
    s_fleet->sign_inventory(m_inventory);
    auto from_inventory = breakglass({"exec", "--yes", "--become", "--", "id -u"});
    EXPECT_EQ(from_inventory.exit_code, 3) << from_inventory.err;
    EXPECT_NE(from_inventory.err.find("defaults.become"), std::string::npos) << from_inventory.err;
    // Unsigned, for a read-only run: refused all the same.
    std::filesystem::remove(m_inventory + ".sig");
    auto read_only = breakglass({"exec", "--read-only", "--become", "--", "id -u"});
    EXPECT_EQ(read_only.exit_code, 3) << read_only.err;

    s_fleet->import_inventory(m_inventory);
    auto from_env = breakglass({"exec", "--yes", "--user", sudo_user, "--become", "--", "id -u"},
                               {"BREAKGLASS_BECOME=" + payload});
    EXPECT_EQ(from_env.exit_code, 4) << from_env.err;
    EXPECT_NE(from_env.err.find("BREAKGLASS_BECOME"), std::string::npos) << from_env.err;
    const std::string config = m_dir.path() + "/config.json";
    std::ofstream(config) << json{{"become", payload}}.dump();
    auto from_config = breakglass(
        {"--config", config, "exec", "--yes", "--user", sudo_user, "--become", "--", "id -u"});
    EXPECT_EQ(from_config.exit_code, 4) << from_config.err;
    EXPECT_NE(from_config.err.find(config), std::string::npos) << from_config.err;
    auto from_flag = breakglass({"exec", "--yes", "--user", sudo_user, "--become",
                                 "--become-method", "sudo -n", "--", "id -u"});
    EXPECT_EQ(from_flag.exit_code, 2) << from_flag.err;
    EXPECT_NE(from_flag.err.find("--become-method"), std::string::npos) << from_flag.err;

    EXPECT_FALSE(std::filesystem::exists(m_marker)) << "the inventory's become ran on a node";
    // The methods themselves work: sudo gives root, none leaves the login user.
    auto sudo = breakglass({"exec", "--yes", "-o", "json", "--user", sudo_user, "--become",
                            "--become-method", "sudo", "--", "id -u"});
    ASSERT_EQ(sudo.exit_code, 0) << sudo.err;
    for (const auto& node : breakglass::testing::nodes_of(sudo.out)) {
        EXPECT_EQ(node["stdout"], "0\n") << node.dump();
    }
    auto none = breakglass({"exec", "--yes", "-o", "json", "--user", sudo_user, "--become",
                            "--become-method", "none", "--", "id -u"});
    ASSERT_EQ(none.exit_code, 0) << none.err;
    for (const auto& node : breakglass::testing::nodes_of(none.out)) {
        EXPECT_NE(node["stdout"], "0\n") << node.dump();
    }
}

TEST_F(TrustBoundaries, ARenamedSignedPlaybookIsRefusedByTheCommandItPretendsToBe) {
    const std::string signed_dir = m_dir.path() + "/signed";
    sign_shipped("daemonset-isolate", signed_dir);
    // In the playbooks folder: isolate, signed, under status's name.
    const std::string folder = m_dir.path() + "/playbooks";
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(signed_dir + "/daemonset-isolate.json",
                               folder + "/daemonset-status.json");
    std::filesystem::copy_file(signed_dir + "/daemonset-isolate.json.sig",
                               folder + "/daemonset-status.json.sig");
    auto renamed = breakglass({"daemonset", "status", "kube-system/telemetry-agent", "--playbooks",
                               folder, "--state-dir", m_dir.path() + "/state"});
    EXPECT_EQ(renamed.exit_code, 5) << renamed.err;
    EXPECT_NE(renamed.err.find("'daemonset-isolate'"), std::string::npos) << renamed.err;
    EXPECT_NE(renamed.err.find("'daemonset-status'"), std::string::npos) << renamed.err;

    // In the current directory: never looked at, so the shipped (unsigned) copy is refused.
    const std::string cwd = m_dir.path() + "/cwd";
    std::filesystem::create_directories(cwd);
    for (const char* suffix : {"", ".json"}) {
        std::filesystem::copy_file(signed_dir + "/daemonset-isolate.json",
                                   cwd + "/daemonset-status" + suffix);
        std::filesystem::copy_file(signed_dir + "/daemonset-isolate.json.sig",
                                   cwd + "/daemonset-status" + suffix + ".sig");
    }
    std::vector<std::string> argv{
        "sh",
        "-c",
        "cd \"$0\" && exec nsenter --net=/var/run/netns/bglab-\"$1\" -- \"$2\" daemonset status "
        "kube-system/telemetry-agent -i \"$3\" --allowed-signers \"$4\" --identity \"$5\" "
        "--state-dir \"$0\"/state",
        cwd,
        s_fleet->name(),
        breakglass_binary(),
        m_inventory,
        lab()["allowed_signers"].get<std::string>(),
        lab()["client_key"].get<std::string>()};
    auto from_cwd = run_process(argv);
    EXPECT_EQ(from_cwd.exit_code, 5) << from_cwd.err;
    EXPECT_EQ(from_cwd.err.find(cwd + "/daemonset-status"), std::string::npos) << from_cwd.err;
    EXPECT_EQ(from_cwd.err.find("daemonset-isolate"), std::string::npos) << from_cwd.err;
    EXPECT_TRUE(from_cwd.out.empty()) << from_cwd.out;

    // `run FILE` keeps taking a path as given, with no name to match: the file is loaded and
    // judged as what it is (here refused only for its missing parameters, before any session).
    auto as_file = breakglass(
        {"run", folder + "/daemonset-status.json", "--state-dir", m_dir.path() + "/state"});
    EXPECT_EQ(as_file.exit_code, 5) << as_file.err;
    EXPECT_NE(as_file.err.find("playbook daemonset-isolate refused (parameter)"), std::string::npos)
        << as_file.err;
}

TEST_F(TrustBoundaries, UnsignedTamperedOrMisnamespacedInventoriesServeOnlyReadOnlyRuns) {
    auto verified = breakglass({"inventory", "verify"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    EXPECT_NE(verified.out.find("lab-signer@breakglass"), std::string::npos) << verified.out;

    const std::string original = read_text(m_inventory);
    const std::string signer = lab()["signer_key"].get<std::string>();
    struct Case {
        const char* name;
        const char* expected;
        std::function<void()> prepare;
    };
    const std::vector<Case> cases{
        {"unsigned", "is not signed", [&] { std::filesystem::remove(m_inventory + ".sig"); }},
        {"tampered", "bad_signature",
         [&] {
             json document = json::parse(original);
             document["nodes"][0]["address"] = "127.0.0.1";
             write_inventory(document);
         }},
        {"playbook namespace", "namespace",
         [&] {
             std::filesystem::remove(m_inventory + ".sig");
             auto signed_ = run_process({"ssh-keygen", "-q", "-Y", "sign", "-n",
                                         "breakglass-playbook", "-f", signer, m_inventory});
             ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
         }},
    };
    for (const Case& each : cases) {
        SCOPED_TRACE(each.name);
        s_fleet->import_inventory(m_inventory);
        each.prepare();
        auto verify = breakglass({"inventory", "verify"});
        EXPECT_EQ(verify.exit_code, 3) << verify.out;
        EXPECT_NE(verify.err.find(each.expected), std::string::npos) << verify.err;

        auto mutating = exec_marking({});
        EXPECT_EQ(mutating.exit_code, 3) << mutating.err;
        EXPECT_NE(mutating.err.find(each.expected), std::string::npos) << mutating.err;
        EXPECT_NE(mutating.err.find("--allow-unsigned-inventory"), std::string::npos);
        EXPECT_FALSE(std::filesystem::exists(m_marker)) << "a refused run touched a node";

        auto read_only = breakglass({"exec", "--read-only", "-o", "json", "--", "true"});
        EXPECT_EQ(read_only.exit_code, 0) << read_only.err;
        EXPECT_EQ(count_lines_with(read_only.err, "warning: inventory"), 1U) << read_only.err;
        EXPECT_EQ(count_lines_with(read_only.err, "read-only"), 1U) << read_only.err;
    }
    // The responder's explicit choice, stated in the run's header.
    auto allowed = exec_marking({"--allow-unsigned-inventory"});
    EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
    EXPECT_NE(allowed.err.find("(--allow-unsigned-inventory)"), std::string::npos) << allowed.err;
    EXPECT_TRUE(std::filesystem::exists(m_marker));
}

TEST_F(TrustBoundaries, AScanThatMeetsANewKeyTypeOnAPinnedNodeRecordsNothingUnlessAccepted) {
    // A man in the middle for node0001: an sshd that holds only an ECDSA host key, while the
    // inventory pins node0001's Ed25519 key.
    const std::string key = m_dir.path() + "/mitm_ecdsa";
    ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key}).exit_code, 0);
    const std::string pid_file = m_dir.path() + "/mitm.pid";
    auto started = run_process(s_fleet->in_namespace(
        {"/usr/sbin/sshd", "-f", "/dev/null", "-h", key, "-o", "ListenAddress=127.0.0.1", "-o",
         "Port=40022", "-o", "PidFile=" + pid_file, "-o", "UsePAM=no"}));
    ASSERT_EQ(started.exit_code, 0) << started.err;
    // sshd writes its pid file once it listens: wait on that state (bounded).
    for (int i = 0; i < 500 && !std::filesystem::exists(pid_file); ++i) {
        run_process({"sleep", "0.01"});
    }
    ASSERT_TRUE(std::filesystem::exists(pid_file));
    json document = inventory();
    const json pinned = document["nodes"][0]["host_keys"];
    ASSERT_EQ(pinned.size(), 1U);
    ASSERT_TRUE(pinned[0].get<std::string>().starts_with("ssh-ed25519 "));
    document["nodes"][0]["address"] = "127.0.0.1";
    document["nodes"][0]["port"] = 40022;
    write_inventory(document);

    auto scan = breakglass(
        {"inventory", "scan-host-keys", "-w", "node0001", "-o", "json", "--connect-timeout", "2s"});
    EXPECT_EQ(scan.exit_code, 1) << scan.out << scan.err;
    const json report = json::parse(scan.out);
    EXPECT_EQ(report["nodes"][0]["status"], "unreachable") << scan.out;
    EXPECT_EQ(inventory()["nodes"][0]["host_keys"], pinned) << "a new key type was pinned";

    auto accepted = breakglass({"inventory", "scan-host-keys", "-w", "node0001", "-o", "json",
                                "--connect-timeout", "2s", "--accept-changed"});
    EXPECT_EQ(accepted.exit_code, 0) << accepted.out << accepted.err;
    const json changed = json::parse(accepted.out)["nodes"][0];
    EXPECT_EQ(changed["status"], "changed");
    EXPECT_EQ(changed["change"], "+ecdsa-sha2-nistp256 -ssh-ed25519");
    const json now = inventory()["nodes"][0]["host_keys"];
    ASSERT_EQ(now.size(), 1U);
    EXPECT_EQ(now[0].get<std::string>().rfind("ecdsa-sha2-nistp256 ", 0), 0U) << now.dump();
    run_process({"sh", "-c", "kill \"$(cat \"$0\")\"", pid_file});
}

TEST_F(TrustBoundaries, RunsTalkOnlyToTheInventorysNodesNeverToAnApiServerOrDns) {
    // A kubeconfig where every Kubernetes client would look: $KUBECONFIG and ~/.kube/config.
    const std::string home = m_dir.path() + "/home";
    std::filesystem::create_directories(home + "/.kube");
    const std::string kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
                                   "    server: https://kubernetes.default.svc:6443\n  name: c\n";
    std::ofstream(home + "/.kube/config") << kubeconfig;
    std::ofstream(m_dir.path() + "/kubeconfig") << kubeconfig;
    const std::vector<std::string> env{"HOME=" + home,
                                       "KUBECONFIG=" + m_dir.path() + "/kubeconfig"};

    const std::string signed_dir = m_dir.path() + "/signed";
    sign_shipped("daemonset-status", signed_dir);
    const std::string state = m_dir.path() + "/state";
    // exec as it runs by default (it may change nodes): --yes, and its canary and waves are
    // traced like the rest.
    const std::vector<std::vector<std::string>> runs{
        {"exec", "--yes", "-o", "json", "--", "true"},
        {"run", signed_dir + "/daemonset-status.json", "--param", "ds_namespace=kube-system",
         "--param", "ds_name=telemetry-agent", "--state-dir", state, "-o", "json"},
        {"daemonset", "status", "kube-system/telemetry-agent", "--playbooks", signed_dir,
         "--state-dir", state, "-o", "json"},
    };
    std::set<std::string> allowed;
    const json fleet = inventory();
    for (const auto& node : fleet["nodes"]) {
        allowed.insert(node["address"].get<std::string>() + ":" +
                       std::to_string(node.value("port", fleet["defaults"]["port"].get<int>())));
    }
    const std::regex inet_connect(
        R"re(connect\(\d+, \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\), .*?inet_(?:addr|pton)\((?:AF_INET6?, )?"([^"]+)")re");
    // The only local socket: nscd, asked by the C library for the user's passwd entry (no hosts
    // lookup: nothing is resolved, as the resolv.conf check below shows).
    const std::regex unix_connect(R"re(connect\(\d+, \{sa_family=AF_UNIX, sun_path="([^"]+)")re");
    for (const auto& args : runs) {
        SCOPED_TRACE(args[0]);
        const std::string trace = m_dir.path() + "/strace-" + args[0];
        std::vector<std::string> argv{"strace",
                                      "-f",
                                      "-qq",
                                      "-o",
                                      trace,
                                      "-e",
                                      "trace=connect,sendto,sendmsg,openat,open,stat,newfstatat"};
        const std::vector<std::string> traced = command(args);
        argv.insert(argv.end(), traced.begin(), traced.end());
        auto result = run_process(s_fleet->in_namespace(argv), std::chrono::seconds(120), "", env);
        EXPECT_FALSE(result.timed_out);
        EXPECT_NE(result.exit_code, 2) << result.err;
        EXPECT_NE(result.exit_code, 3) << result.err;
        EXPECT_NE(result.exit_code, 5) << result.err;
        const std::string log = read_text(trace);
        ASSERT_FALSE(log.empty());
        std::size_t connects = 0;
        std::istringstream lines(log);
        for (std::string line; std::getline(lines, line);) {
            std::smatch match;
            if (std::regex_search(line, match, inet_connect)) {
                ++connects;
                EXPECT_TRUE(allowed.contains(match[2].str() + ":" + match[1].str())) << line;
            }
            if (std::regex_search(line, match, unix_connect)) {
                EXPECT_EQ(match[1].str(), "/var/run/nscd/socket") << line;
            }
            EXPECT_EQ(line.find("AF_INET6"), std::string::npos) << line;
            EXPECT_EQ(line.find("htons(53)"), std::string::npos) << "DNS: " << line;
            EXPECT_EQ(line.find("resolv.conf"), std::string::npos) << "resolver: " << line;
            EXPECT_EQ(line.find(".kube"), std::string::npos) << "kubeconfig: " << line;
            EXPECT_EQ(line.find("kubeconfig"), std::string::npos) << "kubeconfig: " << line;
        }
        EXPECT_GE(connects, allowed.size()) << "every node was reached: " << log.substr(0, 2000);
    }
}

TEST_F(TrustBoundaries, ImportSignsWithAKeyHeldOnlyInAnAgent) {
    const std::string socket = m_dir.path() + "/agent.sock";
    auto agent = run_process({"ssh-agent", "-a", socket});
    ASSERT_EQ(agent.exit_code, 0) << agent.err;
    const std::string pid = agent.out.substr(agent.out.find("SSH_AGENT_PID=") + 14);
    const std::vector<std::string> env{"SSH_AUTH_SOCK=" + socket};
    const std::string signer = lab()["signer_key"].get<std::string>();
    ASSERT_EQ(run_process({"ssh-add", "-q", signer}, std::chrono::seconds(10), "", env).exit_code,
              0);
    // Only the public half on disk where breakglass is told to look.
    const std::string public_key = m_dir.path() + "/agent-signer.pub";
    std::filesystem::copy_file(signer + ".pub", public_key);
    auto imported =
        run_process({breakglass_binary(), "inventory", "import", "--lab",
                     s_fleet->description_path(), "-O", m_inventory, "--sign-with", public_key},
                    std::chrono::seconds(30), "", env);
    run_process({"kill", pid.substr(0, pid.find(';'))});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto verified = breakglass({"inventory", "verify"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    // Without the agent the same key cannot sign: a config error, and no signature is left.
    auto without =
        run_process({breakglass_binary(), "inventory", "import", "--lab",
                     s_fleet->description_path(), "-O", m_inventory, "--sign-with", public_key},
                    std::chrono::seconds(30), "", env); // the agent is gone
    EXPECT_EQ(without.exit_code, 4) << without.err;
    EXPECT_FALSE(std::filesystem::exists(m_inventory + ".sig"));
}
