// playbooks/lib/daemonset_match.sh's API reader (curl + od + BG_DS_API_AWK), run by the real
// /bin/sh, od and awk against a fake `curl` that replays what containerd 1.6 answered in the lab
// (tests/unit/data/containerd/1.6-lab-api/SOURCE.md) and records each request. The answers are
// also replayed with every message's fields in reverse order and with fields this version does
// not read (containerd 2.0's Container.sandbox among them): protobuf readers must take any order
// and skip what they do not know. Anything else the reader cannot read fails the node (exit 5,
// one line saying why), never reads as "no pods"; a curl without HTTP/2 leaves it to ctr.
#include "tests/integration/support/files.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/support/grpc_answer.hpp"
#include "tests/unit/support/match_failure.hpp"
#include "tests/unit/support/unix_socket.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using breakglass::testing::Answer;
using breakglass::testing::edit_first;
using breakglass::testing::encode;
using breakglass::testing::expect_unreadable;
using breakglass::testing::Field;
using breakglass::testing::is_label;
using breakglass::testing::ProcessResult;
using breakglass::testing::read_text;
using breakglass::testing::request_filters;
using breakglass::testing::reversed;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using breakglass::testing::UnixSocket;
using breakglass::testing::varint;
using breakglass::testing::write_text;

namespace {

const fs::path k_source = BREAKGLASS_SOURCE_DIR;
const fs::path k_recorded = k_source / "tests/unit/data/containerd/1.6-lab-api";
const fs::path k_ctr_recorded = k_source / "tests/unit/data/containerd/1.6-lab";

// Answers from $BG_FIXTURE/METHOD.bin (version, tasks, containers); the request goes to
// request-METHOD.hex and the arguments to calls.log. METHOD.fail holds "EXIT MESSAGE" for a curl
// that fails (after METHOD.cut bytes of its answer, when that file is there). The real curl's
// options are checked: a call without them is an error here.
const char* const k_fake_curl = R"SH(#!/bin/sh
printf '%s\n' "$*" >>"$BG_FIXTURE/calls.log"
[ "$1" = -q ] || { echo "fake curl: -q must come first" >&2; exit 2; }
for url; do :; done
method=${url##*/containerd.services.}
method=${method%%.*}
od -An -v -tx1 >"$BG_FIXTURE/request-$method.hex"
if [ -f "$BG_FIXTURE/$method.fail" ]; then
  # METHOD.cut: how many bytes of the answer curl printed before it failed.
  [ ! -f "$BG_FIXTURE/$method.cut" ] || head -c "$(cat "$BG_FIXTURE/$method.cut")" "$BG_FIXTURE/$method.bin"
  read -r code message <"$BG_FIXTURE/$method.fail"
  echo "$message" >&2
  exit "$code"
fi
cat "$BG_FIXTURE/$method.bin"
)SH";

// The ctr the reader falls back to: the 1.6-lab ctr fixture (playbooks_daemonset_match_test.cpp
// tests that path in full).
const char* const k_fake_ctr = R"(#!/bin/sh
printf 'ctr %s\n' "$*" >>"$BG_FIXTURE/calls.log"
shift 4
case "$1 $2" in
  "tasks ls") cat "$BG_CTR_FIXTURE/tasks.txt" ;;
  "containers ls") cat "$BG_CTR_FIXTURE/ls-telemetry-agent.txt" ;;
  "containers info") cat "$BG_CTR_FIXTURE/info/$3.json" ;;
  "version ") cat "$BG_CTR_FIXTURE/version.txt" ;;
  *) echo "fake ctr: $*" >&2; exit 2 ;;
esac
)";

class DaemonSetApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(m_fixture);
        write_text(m_fixture / "version.bin", read_text(k_recorded / "version.bin"));
        write_text(m_fixture / "tasks.bin", read_text(k_recorded / "tasks.bin"));
        write_text(m_fixture / "containers.bin",
                   read_text(k_recorded / "containers-telemetry-agent.bin"));
        write_text(m_fixture / "calls.log", "");
        const std::string curl = m_dir.path() + "/curl";
        const std::string ctr = m_dir.path() + "/ctr";
        write_text(curl, k_fake_curl);
        write_text(ctr, k_fake_ctr);
        fs::permissions(curl, fs::perms::owner_all);
        fs::permissions(ctr, fs::perms::owner_all);
    }

    ProcessResult run(const std::string& script) const {
        return run_process(
            {"/bin/sh", "-euc",
             read_text(k_source / "playbooks/lib/daemonset_match.sh") + "\nCTR=" + m_dir.path() +
                 "/ctr\nCURL=" + m_dir.path() + "/curl\nRUNTIME_SOCKET=" + m_socket_path + "\n" +
                 script},
            std::chrono::seconds(30), "",
            {"BG_FIXTURE=" + m_fixture.string(), "BG_CTR_FIXTURE=" + k_ctr_recorded.string()});
    }

    ProcessResult match(const std::string& name = "telemetry-agent",
                        const std::string& flags = "") const {
        return run("DS_NAMESPACE=kube-system\nDS_NAME=" + name + "\nbg_ds_match " + flags + "\n");
    }

    Answer answer(const std::string& method) const {
        return Answer::of(read_text(m_fixture / (method + ".bin")));
    }

    void replace(const std::string& method, const std::string& bytes) const {
        write_text(m_fixture / (method + ".bin"), bytes);
    }

    std::string calls() const { return read_text(m_fixture / "calls.log"); }

    TempDir m_dir;
    fs::path m_fixture = fs::path(m_dir.path()) / "fixture";
    std::string m_socket_path = m_dir.path() + "/containerd.sock";
    UnixSocket m_socket{m_socket_path};
};

const std::string k_sandbox_filter =
    "labels.\"io.cri-containerd.kind\"==\"sandbox\",labels.\"io.kubernetes.pod.namespace\"=="
    "\"kube-system\",labels.\"io.kubernetes.pod.name\"~=\"^telemetry-agent-"
    "[bcdfghjklmnpqrstvwxz2456789]{5}$\",labels.\"controller-revision-hash\",labels.\"pod-"
    "template-generation\"";
const std::string k_container_filter =
    "labels.\"io.cri-containerd.kind\"==\"container\",labels.\"io.kubernetes.pod.namespace\"=="
    "\"kube-system\",labels.\"io.kubernetes.pod.name\"~=\"^telemetry-agent-"
    "[bcdfghjklmnpqrstvwxz2456789]{5}$\"";

TEST_F(DaemonSetApiTest, FindsWhatTheCtrPathFoundWithTwoCallsAndTheSameFilters) {
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, read_text(k_recorded / "expected-telemetry-agent.txt"));
    std::istringstream lines(calls());
    std::vector<std::string> urls;
    for (std::string line; std::getline(lines, line);) {
        EXPECT_NE(line.find("--http2-prior-knowledge --noproxy * --max-time 20 --unix-socket " +
                            m_socket_path),
                  std::string::npos)
            << line;
        EXPECT_NE(line.find("-H containerd-namespace: k8s.io"), std::string::npos) << line;
        urls.push_back(line.substr(line.rfind(' ') + 1));
    }
    EXPECT_EQ(urls,
              (std::vector<std::string>{
                  "http://containerd/containerd.services.tasks.v1.Tasks/List",
                  "http://containerd/containerd.services.containers.v1.Containers/ListStream"}));
    EXPECT_EQ(request_filters(m_fixture / "request-containers.hex"),
              (std::vector<std::string>{k_sandbox_filter, k_container_filter}));
    EXPECT_TRUE(request_filters(m_fixture / "request-tasks.hex").empty());
}

TEST_F(DaemonSetApiTest, FieldsInAnyOrderAndFieldsItDoesNotReadChangeNothing) {
    Answer containers = answer("containers");
    for (std::string& message : containers.messages) {
        message = reversed(message, {1, 2}); // Container, its label entries
    }
    std::reverse(containers.messages.begin(), containers.messages.end());
    replace("containers", containers.bytes());
    Answer tasks = answer("tasks");
    tasks.messages.at(0) = reversed(tasks.messages.at(0), {1}); // Process
    replace("tasks", tasks.bytes());
    Answer version = answer("version");
    version.messages.at(0) = reversed(version.messages.at(0), {});
    replace("version", version.bytes());
    const ProcessResult result = match("telemetry-agent", "--facts");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "fact runtime ctr\nfact runtime_socket " + m_socket_path +
                              "\nfact runtime_version 1.6.20~ds1\nfact read_via api\n" +
                              read_text(k_recorded / "expected-telemetry-agent.txt"));
}

TEST_F(DaemonSetApiTest, ALongDottedNameIsCutAndItsDotsAreLiteralInTheRequest) {
    Answer containers = answer("containers");
    containers.messages.clear(); // nothing of that name here
    replace("containers", containers.bytes());
    const ProcessResult result = match("agent.v1-" + std::string(60, 'a'));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
    const auto filters = request_filters(m_fixture / "request-containers.hex");
    ASSERT_EQ(filters.size(), 2U);
    // The prefix: NAME + "-" cut to 58 characters, its `.` a literal; then the 5 generated ones.
    for (const std::string& filter : filters) {
        EXPECT_NE(filter.find("~=\"^agent[.]v1-" + std::string(49, 'a') + "[bcdf"),
                  std::string::npos)
            << filter;
    }
}

TEST_F(DaemonSetApiTest, NoCandidateIsAnEmptyAnswerOnlyWhenContainerdListedNothing) {
    Answer containers = answer("containers");
    containers.messages.clear();
    replace("containers", containers.bytes());
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
}

TEST_F(DaemonSetApiTest, ATruncatedAnswerIsAFailure) {
    const std::string whole = answer("containers").bytes();
    replace("containers", whole.substr(0, whole.size() / 2));
    expect_unreadable(match(), "containerd API (containers): truncated");
    // Cut inside the gRPC frame's 5-byte prefix.
    replace("containers", whole.substr(0, whole.find("\r\n\r\n") + 6));
    expect_unreadable(match(), "containerd API (containers): truncated answer");
    replace("containers", "");
    expect_unreadable(match(), "containerd API (containers): no answer");
}

TEST_F(DaemonSetApiTest, AGrpcErrorIsTheReason) {
    replace("tasks", "HTTP/2 200 \r\ncontent-type: application/grpc\r\ngrpc-status: 14\r\n"
                     "grpc-message: connection closed\r\n\r\n");
    expect_unreadable(match(), "containerd API (tasks): failed: grpc-status 14 connection closed");
    // Status 0 without the one message a unary call answers.
    replace("tasks", "HTTP/2 200 \r\ncontent-type: application/grpc\r\ngrpc-status: 0\r\n\r\n");
    expect_unreadable(match(), "answered 0 messages, not one");
}

TEST_F(DaemonSetApiTest, AnAnswerThatIsNotGrpcIsAFailure) {
    replace("containers", "HTTP/2 503 \r\ncontent-type: text/plain\r\n\r\nbusy\r\n");
    expect_unreadable(match(), "answered \"HTTP/2 503");
    Answer containers = answer("tasks");
    containers.head = "HTTP/2 200 \r\ncontent-type: text/html\r\n\r\n";
    replace("tasks", containers.bytes());
    expect_unreadable(match(), "answered content-type \"text/html\"");
    replace("tasks", Answer::of(read_text(k_recorded / "tasks.bin")).bytes(1));
    expect_unreadable(match(), "compressed");
    replace("tasks", read_text(k_recorded / "tasks.bin"));
    replace("containers",
            read_text(k_recorded / "containers-telemetry-agent.bin") + "HTTP/2 200 \r\n\r\n");
    expect_unreadable(match(), "unexpected bytes");
}

TEST_F(DaemonSetApiTest, MalformedProtobufIsAFailure) {
    Answer tasks = answer("tasks");
    tasks.messages = {encode({{1, 3, ""}})}; // a group: not in containerd's messages
    replace("tasks", tasks.bytes());
    expect_unreadable(match(), "wire type 3");
    tasks.messages = {std::string("\x0a\x7f\x12\x02", 4)}; // a Process longer than the message
    replace("tasks", tasks.bytes());
    expect_unreadable(match(), "truncated message");
}

TEST_F(DaemonSetApiTest, ATaskStatusThisVersionDoesNotKnowFailsTheNodeOnlyForAMatchedTask) {
    const Answer recorded = answer("tasks");
    auto with_task = [&](const std::string& id) {
        Answer tasks = recorded;
        tasks.messages.at(0) +=
            encode({{1, 2, encode({{2, 2, id}, {3, 0, varint(7)}, {4, 0, varint(9)}})}});
        replace("tasks", tasks.bytes());
    };
    with_task("another-pods-task");
    const ProcessResult other = match();
    EXPECT_EQ(other.exit_code, 0) << other.err;
    EXPECT_EQ(other.out, read_text(k_recorded / "expected-telemetry-agent.txt"));
    // The target's sandbox (the first line's ID).
    std::istringstream first(read_text(k_recorded / "expected-telemetry-agent.txt"));
    std::string kind;
    std::string uid;
    std::string pod;
    std::string sandbox;
    first >> kind >> uid >> pod >> sandbox;
    with_task(sandbox);
    expect_unreadable(match(), "task " + sandbox.substr(0, 12) +
                                   " has status 9, not one this version knows");
}

TEST_F(DaemonSetApiTest, ARepeatedLabelKeyIsAFailure) {
    Answer containers = answer("containers");
    edit_first(containers, "container", [](std::vector<Field>& container) {
        container.push_back(
            {2, 2, encode({{1, 2, "io.kubernetes.pod.namespace"}, {2, 2, "monitoring"}})});
    });
    replace("containers", containers.bytes());
    expect_unreadable(match(), "has label io.kubernetes.pod.namespace twice");
}

TEST_F(DaemonSetApiTest, ListedContainersThatContradictTheFilterAreAFailure) {
    Answer containers = answer("containers");
    edit_first(containers, "sandbox", [](std::vector<Field>& container) {
        container.erase(std::remove_if(container.begin(), container.end(),
                                       [](const Field& field) {
                                           return is_label(field, "controller-revision-hash");
                                       }),
                        container.end());
    });
    replace("containers", containers.bytes());
    expect_unreadable(match(), "but its labels show no DaemonSet labels");
    // A pod name with a byte outside ASCII: containerd's filter would not have listed it.
    containers = answer("containers");
    edit_first(containers, "container", [](std::vector<Field>& container) {
        for (Field& field : container) {
            if (is_label(field, "io.kubernetes.pod.name")) {
                field.value =
                    encode({{1, 2, "io.kubernetes.pod.name"}, {2, 2, "telemetry-agent-\xc3\xa9"}});
            }
        }
    });
    replace("containers", containers.bytes());
    expect_unreadable(match(), "but its labels show pod name");
}

TEST_F(DaemonSetApiTest, NothingAnsweringAtTheSocketIsNamedBySocketNotByCurlsHostAndPort) {
    write_text(m_fixture / "tasks.fail",
               "7 curl: (7) Failed to connect to containerd port 80 after 0 ms: Couldn't connect "
               "to server\n");
    expect_unreadable(match(), "containerd API: cannot connect to " + m_socket_path +
                                   ": containerd does not answer there (curl exit 7)");
}

TEST_F(DaemonSetApiTest, CurlsOwnErrorIsTheReason) {
    write_text(m_fixture / "tasks.fail", "35 curl: (35) a future error of curl's\n");
    expect_unreadable(match(), "containerd API through curl: curl: (35) a future error of curl's");
}

TEST_F(DaemonSetApiTest, ACurlWithoutHttp2LeavesTheReadingToCtr) {
    for (const std::string method : {"version", "tasks", "containers"}) {
        write_text(m_fixture / (method + ".fail"),
                   "4 curl: option --http2-prior-knowledge: the installed libcurl version "
                   "doesn't support this\n");
    }
    const ProcessResult result = match("telemetry-agent", "--facts");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "fact runtime ctr\nfact runtime_socket " + m_socket_path +
                              "\nfact read_via ctr\nfact runtime_version 1.6.20~ds1\n" +
                              read_text(k_ctr_recorded / "expected-telemetry-agent.txt"));
    EXPECT_NE(calls().find("ctr --address " + m_socket_path + " -n k8s.io tasks ls"),
              std::string::npos)
        << calls();
}

TEST_F(DaemonSetApiTest, AWholeAnswerWithoutTrailersLeavesTheReadingToCtr) {
    // What a curl that does not print HTTP/2 trailers shows: no grpc-status, so no answer is
    // trusted, however whole its message.
    const std::string whole = answer("containers").bytes();
    replace("containers", whole.substr(0, whole.find("grpc-status")));
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, read_text(k_ctr_recorded / "expected-telemetry-agent.txt"));
    EXPECT_NE(calls().find("ctr --address"), std::string::npos) << calls();
}

TEST_F(DaemonSetApiTest, CurlsErrorAfterPartOfItsAnswerIsTheReason) {
    // curl's message reaches the reader on its own while od may still hold the bytes before it.
    write_text(m_fixture / "containers.cut", "3000\n");
    write_text(m_fixture / "containers.fail",
               "92 curl: (92) HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)\n");
    expect_unreadable(match(), "containerd API through curl: curl: (92) HTTP/2 stream 1 was not "
                               "closed cleanly: INTERNAL_ERROR (err 2)");
}

TEST_F(DaemonSetApiTest, LabelKeysThatDifferOnlyOutsideAsciiAreTwoKeys) {
    Answer containers = answer("containers");
    edit_first(containers, "sandbox", [](std::vector<Field>& container) {
        // An image's config labels become container labels, whatever their bytes.
        container.push_back({2, 2, encode({{1, 2, "\xc3\xa9"}, {2, 2, "1"}})});
        container.push_back({2, 2, encode({{1, 2, "\xc3\xa8"}, {2, 2, "2"}})});
        container.push_back({2, 2, encode({{1, 2, "\\303\\251"}, {2, 2, "3"}})});
    });
    replace("containers", containers.bytes());
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, read_text(k_recorded / "expected-telemetry-agent.txt"));
}

TEST_F(DaemonSetApiTest, WhatTheToolsHereCannotReadLeavesTheReadingToCtr) {
    const std::string ctr_answer = read_text(k_ctr_recorded / "expected-telemetry-agent.txt");
    auto expect_ctr_read = [&](const std::string& why, const ProcessResult& result) {
        EXPECT_EQ(result.exit_code, 0) << why << ": " << result.err;
        EXPECT_EQ(result.out, ctr_answer) << why;
        EXPECT_NE(calls().find("ctr --address"), std::string::npos) << why;
        write_text(m_fixture / "calls.log", "");
    };
    const Answer tasks = answer("tasks");
    const Answer containers = answer("containers");
    // A middle answer without trailers (a curl that does not print them).
    Answer cut = tasks;
    cut.trailers.clear();
    replace("tasks", cut.bytes());
    expect_ctr_read("tasks without trailers", match());
    replace("tasks", tasks.bytes());
    // A containerd without Containers/ListStream.
    replace("containers", containers.head.substr(0, containers.head.size() - 2) +
                              "grpc-status: 12\r\ngrpc-message: unknown method ListStream\r\n\r\n");
    expect_ctr_read("no ListStream", match());
    // Answers over 1 MiB: more than the reader will hold.
    Answer big = containers;
    big.messages.push_back(encode({{1, 2, encode({{99, 2, std::string(1100000, 'x')}})}}));
    replace("containers", big.bytes());
    expect_ctr_read("over 1 MiB", match());
    replace("containers", containers.bytes());
    // An od without -An -v -tu1 (a minimal busybox's), first on PATH.
    const std::string od = m_dir.path() + "/od";
    write_text(od, "#!/bin/sh\necho 'od: invalid option -- t' >&2\nexit 1\n");
    fs::permissions(od, fs::perms::owner_all);
    expect_ctr_read("od", run("PATH=" + m_dir.path() +
                              ":$PATH\nDS_NAMESPACE=kube-system\n"
                              "DS_NAME=telemetry-agent\nbg_ds_match\n"));
}

// Nodes differ in their awk and od: Debian's mawk, gawk (RHEL's awk; run where it is installed:
// scripts/test does not install it, as that would make it this machine's awk), busybox's.
TEST_F(DaemonSetApiTest, EveryAwkAndOdReadsTheSame) {
    std::vector<std::pair<std::string, std::string>> tools{
        {"awk", "/usr/bin/mawk"}, {"awk", "busybox awk"}, {"od", "busybox od"}};
    if (fs::exists("/usr/bin/gawk")) {
        tools.emplace_back("awk", "/usr/bin/gawk");
    }
    Answer reordered = answer("containers");
    for (std::string& message : reordered.messages) {
        message = reversed(message, {1, 2});
    }
    const std::string recorded = answer("containers").bytes();
    const std::string expected = "fact runtime ctr\nfact runtime_socket " + m_socket_path +
                                 "\nfact runtime_version 1.6.20~ds1\nfact read_via api\n" +
                                 read_text(k_recorded / "expected-telemetry-agent.txt");
    int round = 0;
    for (const auto& [name, command] : tools) {
        const std::string dir = m_dir.path() + "/tools-" + std::to_string(++round);
        fs::create_directories(dir);
        write_text(dir + "/" + name, "#!/bin/sh\nexec " + command + " \"$@\"\n");
        fs::permissions(dir + "/" + name, fs::perms::owner_all);
        const std::string script = "PATH=" + dir +
                                   ":$PATH\nDS_NAMESPACE=kube-system\n"
                                   "DS_NAME=telemetry-agent\nbg_ds_match --facts\n";
        replace("containers", recorded);
        const ProcessResult as_recorded = run(script);
        EXPECT_EQ(as_recorded.exit_code, 0) << command << ": " << as_recorded.err;
        EXPECT_EQ(as_recorded.out, expected) << command;
        replace("containers", reordered.bytes());
        const ProcessResult any_order = run(script);
        EXPECT_EQ(any_order.out, expected) << command << ": " << any_order.err;
        replace("containers", recorded.substr(0, recorded.size() / 2));
        const ProcessResult cut = run(script);
        EXPECT_EQ(cut.exit_code, 5) << command;
        EXPECT_NE(cut.err.find("containerd API (containers): truncated"), std::string::npos)
            << command << ": " << cut.err;
    }
}

TEST_F(DaemonSetApiTest, CurlNoneReadsThroughCtrWithoutStartingCurl) {
    const ProcessResult result =
        run("CURL=none\nDS_NAMESPACE=kube-system\nDS_NAME=telemetry-agent\nbg_ds_match\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, read_text(k_ctr_recorded / "expected-telemetry-agent.txt"));
    EXPECT_EQ(calls().find("http2"), std::string::npos) << calls();
    EXPECT_NE(calls().find("ctr --address"), std::string::npos) << calls();
}

} // namespace
