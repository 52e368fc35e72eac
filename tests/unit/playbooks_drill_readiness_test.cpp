// playbooks/lib/drill_readiness.sh, inlined after daemonset_match.sh and kubelet_hold.sh as the
// shipped drill-readiness playbook does, run by the real /bin/sh against fake `ctr`s; its output
// must be a report drill/readiness_report.hpp reads. What the node itself has (cgroups, iptables,
// nsenter, systemd) is this machine's and only checked for a readable value here; the lab test
// (drill_lab_test) runs the signed playbook on real nodes.
#include "drill/readiness_report.hpp"
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/support/unix_socket.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using breakglass::drill::parse_readiness_report;
using breakglass::drill::ReadinessReport;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using breakglass::testing::UnixSocket;

namespace {

const fs::path k_source = BREAKGLASS_SOURCE_DIR;

using breakglass::testing::read_text;

class DrillReadinessScript : public ::testing::Test {
protected:
    // A fake runtime tool at DIR/NAME that exits with STATUS for `version` (and records calls).
    std::string tool(const std::string& name, int status) {
        const std::string path = m_dir.path() + "/" + name;
        std::ofstream(path) << "#!/bin/sh\nprintf '%s\\n' \"$*\" >>" << m_dir.path()
                            << "/calls.log\nexit " << status << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }

    // ENV without CURL=: the API reader is off (CURL=none), so the real curl never talks to the
    // tests' listening-only sockets.
    tl::expected<ReadinessReport, std::string> run(std::vector<std::string> env) {
        if (std::none_of(env.begin(), env.end(),
                         [](const std::string& entry) { return entry.rfind("CURL=", 0) == 0; })) {
            env.emplace_back("CURL=none");
        }
        const std::string script = read_text(k_source / "playbooks/lib/daemonset_match.sh") +
                                   read_text(k_source / "playbooks/lib/kubelet_hold.sh") +
                                   read_text(k_source / "playbooks/lib/drill_readiness.sh") +
                                   "bg_drill_readiness\n";
        auto result = run_process({"/bin/sh", "-euc", script}, std::chrono::seconds(20), "", env);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        m_out = result.out;
        return parse_readiness_report(result.out);
    }

    TempDir m_dir;
    std::string m_out;
};

} // namespace

TEST_F(DrillReadinessScript, ARuntimeThatAnswersOverItsSocket) {
    const std::string socket = m_dir.path() + "/containerd.sock";
    UnixSocket listening(socket);
    auto report = run({"CTR=" + tool("ctr", 0), "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(report) << report.error() << "\n" << m_out;
    EXPECT_EQ(report->runtime, "ctr");
    EXPECT_EQ(report->runtime_socket, socket);
    EXPECT_TRUE(report->runtime_answers);
    EXPECT_EQ(read_text(m_dir.path() + "/calls.log"), "--address " + socket + " version\n");
    EXPECT_EQ(report->kubelet_unit, "kubelet");
}

TEST_F(DrillReadinessScript, ARuntimeThatDoesNotAnswerIsSaidSo) {
    const std::string socket = m_dir.path() + "/containerd.sock";
    UnixSocket listening(socket);
    auto report = run({"CTR=" + tool("ctr", 1), "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(report) << report.error();
    EXPECT_FALSE(report->runtime_answers);
}

TEST_F(DrillReadinessScript, AMissingSocketIsNamedAndNotCalled) {
    const std::string socket = m_dir.path() + "/gone.sock";
    auto report = run({"CTR=" + tool("ctr", 0), "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->runtime_socket, socket);
    EXPECT_FALSE(report->runtime_answers);
    EXPECT_FALSE(fs::exists(m_dir.path() + "/calls.log"));
}

TEST_F(DrillReadinessScript, CrictlStandsInWhereCtrIsMissing) {
    const std::string socket = m_dir.path() + "/containerd.sock";
    UnixSocket listening(socket);
    auto report = run({"CTR=" + m_dir.path() + "/no-ctr", "CRICTL=" + tool("crictl", 0),
                       "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->runtime, "crictl");
    EXPECT_TRUE(report->runtime_answers);
    auto none = run({"CTR=" + m_dir.path() + "/no-ctr", "CRICTL=" + m_dir.path() + "/no-crictl"});
    ASSERT_TRUE(none) << none.error();
    EXPECT_EQ(none->runtime, "none");
    EXPECT_EQ(none->runtime_socket, "none");
}

// A fake curl that prints FILE (an answer recorded from containerd, or nothing) and exits with
// STATUS, as the API reader's Version/Version call.
std::string fake_curl(const std::string& dir, const std::string& file, int status) {
    const std::string path = dir + "/curl";
    std::ofstream(path) << "#!/bin/sh\ncat >/dev/null\n"
                        << (file.empty() ? "" : "cat '" + file + "'\n")
                        << (status != 0 ? "echo 'curl: (7) Failed to connect' >&2\n" : "")
                        << "exit " << status << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
}

TEST_F(DrillReadinessScript, SaysHowTheDaemonSetPlaybooksWouldReadContainerd) {
    const std::string socket = m_dir.path() + "/containerd.sock";
    UnixSocket listening(socket);
    const std::string version =
        (k_source / "tests/unit/data/containerd/1.6-lab-api/version.bin").string();
    const std::string ctr = tool("ctr", 0);
    auto api = run(
        {"CTR=" + ctr, "RUNTIME_SOCKET=" + socket, "CURL=" + fake_curl(m_dir.path(), version, 0)});
    ASSERT_TRUE(api) << api.error() << "\n" << m_out;
    EXPECT_EQ(api->read_via, "api");
    auto failing =
        run({"CTR=" + ctr, "RUNTIME_SOCKET=" + socket, "CURL=" + fake_curl(m_dir.path(), "", 7)});
    ASSERT_TRUE(failing) << failing.error();
    EXPECT_EQ(failing->read_via, "api-fails");
    EXPECT_FALSE(breakglass::drill::readiness_problems(*failing).empty());
    // A curl without HTTP/2 (exit 4), or none: ctr reads.
    auto old_curl =
        run({"CTR=" + ctr, "RUNTIME_SOCKET=" + socket, "CURL=" + fake_curl(m_dir.path(), "", 4)});
    ASSERT_TRUE(old_curl) << old_curl.error();
    EXPECT_EQ(old_curl->read_via, "ctr");
    auto no_curl = run({"CTR=" + ctr, "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(no_curl) << no_curl.error();
    EXPECT_EQ(no_curl->read_via, "ctr");
    auto crictl = run({"CTR=" + m_dir.path() + "/no-ctr", "CRICTL=" + tool("crictl", 0),
                       "RUNTIME_SOCKET=" + socket});
    ASSERT_TRUE(crictl) << crictl.error();
    EXPECT_EQ(crictl->read_via, "crictl");
    auto nothing = run({"CTR=" + m_dir.path() + "/no-ctr", "CRICTL=" + m_dir.path() + "/no"});
    ASSERT_TRUE(nothing) << nothing.error();
    EXPECT_EQ(nothing->read_via, "none");
}

TEST_F(DrillReadinessScript, TheShippedPlaybookNeverMutates) {
    const std::string text = read_text(k_source / "playbooks/shipped/drill-readiness.json");
    EXPECT_EQ(text.find("\"mutates\": true"), std::string::npos);
    EXPECT_NE(text.find("\"mutates\": false"), std::string::npos);
}
