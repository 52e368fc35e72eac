// The containerd lab (lab/fleet up --containerd) and the one DaemonSet matching rule
// (playbooks/lib/daemonset_match.sh), the cases that change a fleet of their own: the kubelet
// stand-in (lab/node/kubelet-standin) driven through the systemctl shim of a node without
// systemd, and nodes without a runtime. The checks that change nothing share one fleet in
// containerd_lab_read_only_test.cpp.
#include "tests/integration/support/containerd_lab_fixture.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/match_lines.hpp"

#include <set>
#include <thread>

#include <gtest/gtest.h>

using breakglass::testing::daemonset_match_script;
using breakglass::testing::parse_match;
using breakglass::testing::read_text;
using breakglass::testing::read_vanishing_file;
using breakglass::testing::run_process;

namespace {

using Clock = std::chrono::steady_clock;

class ContainerdLabTest : public breakglass::testing::ContainerdLabFixture {};

// The systemctl shim of nodes without systemd (--init none); systemd nodes run the real one.
TEST_F(ContainerdLabTest, KubeletStandInRecreatesAKilledContainerAndNotOnceStoppedThroughShim) {
    start(1, {}, {"--init", "none"});
    const std::string node = "node0001";
    auto running_ids = [&](const std::string& container) {
        std::set<std::string> ids;
        for (const auto& line : match_on(node, "kube-system", "telemetry-agent")) {
            if (line.kind == "container" && line.name == container && line.state == "running") {
                ids.insert(line.id);
            }
        }
        return ids;
    };
    auto wait_for_new = [&](const std::string& container, const std::string& old_id,
                            std::chrono::seconds limit) {
        const auto started = Clock::now();
        while (Clock::now() - started < limit) {
            auto ids = running_ids(container);
            if (!ids.empty() && ids.count(old_id) == 0) {
                return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                             started);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return std::chrono::milliseconds(-1);
    };

    auto expect_kubelet = [&](const std::string& state, int exit_code) {
        auto result = m_lab->ssh(node, "systemctl is-active kubelet");
        EXPECT_EQ(result.exit_code, exit_code);
        EXPECT_EQ(result.out, state + "\n");
    };
    // Kills the one running instance of CONTAINER with `ctr tasks kill ARGS`; returns its ID.
    auto kill_running = [&](const std::string& container, const std::string& args) {
        auto ids = running_ids(container);
        EXPECT_EQ(ids.size(), 1U) << container;
        const std::string id = ids.empty() ? std::string("none") : *ids.begin();
        EXPECT_EQ(m_lab->ssh(node, "ctr -n k8s.io tasks kill " + args + id).exit_code, 0);
        return id;
    };

    // The kubelet is running; a container stopped behind its back (SIGTERM, as `ctr tasks kill`
    // sends by default) is replaced within a few seconds by a new one; the dead one is kept.
    expect_kubelet("active", 0);
    const std::string agent = kill_running("agent", "");
    // A minute only bounds a hang; how fast is not this suite's business (it also runs under the
    // sanitizers on a loaded machine).
    auto took = wait_for_new("agent", agent, std::chrono::seconds(60));
    ASSERT_GE(took.count(), 0) << "the stand-in did not recreate the killed container";
    std::cout << "killed container replaced after " << took.count() << " ms\n";
    bool old_kept = false;
    for (const auto& line : match_on(node, "kube-system", "telemetry-agent")) {
        old_kept = old_kept || (line.id == agent && line.state == "stopped");
    }
    EXPECT_TRUE(old_kept) << "the exited container stays, as under the kubelet";

    // Stopped through the shim (with sudo, as the playbooks do it), it recreates nothing.
    auto stop = m_lab->ssh(node, "sudo -n systemctl stop kubelet", "bglab");
    ASSERT_EQ(stop.exit_code, 0) << stop.err;
    expect_kubelet("inactive", 3);
    const std::string shipper = kill_running("log-shipper", "-s SIGKILL ");
    // Stopped means no stand-in process at all (the shim's is-active above checks its PID), so
    // nothing can recreate the container: that state, not a wait for nothing to happen.
    EXPECT_TRUE(running_ids("log-shipper").empty());

    // mask --runtime keeps it from starting until unmask; then it catches up.
    EXPECT_EQ(m_lab->ssh(node, "systemctl mask --runtime kubelet").exit_code, 0);
    auto masked = m_lab->ssh(node, "systemctl start kubelet");
    EXPECT_EQ(masked.exit_code, 1);
    EXPECT_NE(masked.err.find("Unit kubelet.service is masked."), std::string::npos) << masked.err;
    expect_kubelet("inactive", 3);
    EXPECT_EQ(m_lab->ssh(node, "systemctl unmask --runtime kubelet").exit_code, 0);
    EXPECT_EQ(m_lab->ssh(node, "systemctl start kubelet").exit_code, 0);
    expect_kubelet("active", 0);
    EXPECT_GE(wait_for_new("log-shipper", shipper, std::chrono::seconds(60)).count(), 0);

    // Other units are unknown to the shim, and the host's systemctl is not the shim.
    EXPECT_EQ(m_lab->ssh(node, "systemctl stop containerd").exit_code, 5);
    EXPECT_EQ(read_text("/usr/bin/systemctl").substr(0, 4), "\x7f"
                                                            "ELF");
    EXPECT_EQ(m_lab->ssh(node, "head -c 9 /usr/bin/systemctl").out, "#!/bin/sh");
}

TEST_F(ContainerdLabTest, NodeWithoutContainerdOrItsSocketFailsWithThatReason) {
    start(3, {"node0002:no-runtime", "node0003:no-socket"});
    auto nodes = exec_everywhere(daemonset_match_script("kube-system", "telemetry-agent"));
    ASSERT_EQ(nodes.size(), 3U);
    EXPECT_EQ(nodes["node0001"]["status"], "ok") << nodes["node0001"].dump();
    EXPECT_EQ(parse_match(nodes["node0001"]["stdout"].get<std::string>()).size(), 3U);

    EXPECT_EQ(nodes["node0002"]["status"], "failed");
    EXPECT_EQ(nodes["node0002"]["exit_code"], 3);
    EXPECT_EQ(nodes["node0002"]["stderr"], "daemonset_match: neither ctr nor crictl found: no "
                                           "container runtime is installed on this node\n");
    EXPECT_EQ(nodes["node0003"]["status"], "failed");
    EXPECT_EQ(nodes["node0003"]["exit_code"], 4);
    EXPECT_EQ(nodes["node0003"]["stderr"],
              "daemonset_match: containerd socket missing at /run/containerd/containerd.sock and "
              "/run/k3s/containerd/containerd.sock: the runtime is not running (or give "
              "runtime_socket)\n");

    // containerd killed behind its socket: ctr's own error is the reason.
    auto pid = m_lab->description()["nodes"][0]["containerd_pid"].get<int>();
    ASSERT_EQ(run_process({"kill", "-9", std::to_string(pid)}).exit_code, 0);
    // Gone (or a zombie) before ctr asks it anything: a state, not a sleep.
    for (int tries = 0; tries < 600; ++tries) {
        const std::string stat = read_vanishing_file("/proc/" + std::to_string(pid) + "/stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos || stat.compare(close + 2, 1, "Z") == 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto after = m_lab->ssh("node0001", daemonset_match_script("kube-system", "telemetry-agent"));
    EXPECT_EQ(after.exit_code, 5) << after.out << after.err;
    // The matcher's first call to containerd's API fails, naming the socket.
    EXPECT_EQ(after.err, "daemonset_match: containerd API: cannot connect to "
                         "/run/containerd/containerd.sock: containerd does not answer there "
                         "(curl exit 7)\n");
    EXPECT_EQ(after.out, "");
    // Through ctr (CURL=none), ctr's own text is the reason.
    auto through_ctr = m_lab->ssh(
        "node0001", "CURL=none\n" + daemonset_match_script("kube-system", "telemetry-agent"));
    EXPECT_EQ(through_ctr.exit_code, 5) << through_ctr.out << through_ctr.err;
    EXPECT_EQ(through_ctr.err.rfind("daemonset_match: ctr ", 0), 0U) << through_ctr.err;
    EXPECT_NE(through_ctr.err.find(" failed: "), std::string::npos) << through_ctr.err;
}

} // namespace
