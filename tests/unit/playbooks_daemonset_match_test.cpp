// playbooks/lib/daemonset_match.sh (and daemonset_crictl.sh's use of its JSON tokenizer) run by
// the real /bin/sh against a fake `ctr` that replays what containerd printed: recorded from
// containerd 1.6 in the lab, and the 1.7 and 2.0 shapes derived from containerd's source
// (tests/unit/data/containerd/*/SOURCE.md). Each is also replayed re-laid out (2-space indent,
// minified) and with every object's keys reordered: the matcher's answer must not change. Output
// it cannot read must fail the node (exit 5, one line saying why), never read as "no pods".
#include "tests/integration/support/process.hpp"
#include "tests/unit/support/match_failure.hpp"
#include "tests/unit/support/unix_socket.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using breakglass::testing::expect_unreadable;
using breakglass::testing::ProcessResult;
using breakglass::testing::run_process;
using breakglass::testing::TempDir;
using breakglass::testing::UnixSocket;

namespace {

const fs::path k_source = BREAKGLASS_SOURCE_DIR;
const fs::path k_fixtures = k_source / "tests/unit/data/containerd";

std::string read_text(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    EXPECT_TRUE(stream.good()) << path;
    return {std::istreambuf_iterator<char>(stream), {}};
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The library as the playbooks inline it.
std::string library() {
    return read_text(k_source / "playbooks/lib/daemonset_match.sh") +
           read_text(k_source / "playbooks/lib/daemonset_crictl.sh");
}

// What the fake ctr answers: a copy of one fixture folder, which a test may then edit.
// Every call's arguments are appended to calls.log.
const char* const k_fake_ctr = R"(#!/bin/sh
printf '%s\n' "$*" >>"$BG_FIXTURE/calls.log"
[ "$1" = --address ] && [ "$3" = -n ] && [ "$4" = k8s.io ] || { echo "fake ctr: $*" >&2; exit 2; }
shift 4
case "$1 $2" in
  "tasks ls") cat "$BG_FIXTURE/tasks.txt" ;;
  "containers ls") cat "$BG_FIXTURE/ls.txt" ;;
  "containers info")
    [ ! -f "$BG_FIXTURE/info/$3.error" ] || { cat "$BG_FIXTURE/info/$3.error" >&2; exit 1; }
    [ -f "$BG_FIXTURE/info/$3.json" ] ||
      { echo "ctr: container \"$3\" in namespace \"k8s.io\": not found" >&2; exit 1; }
    cat "$BG_FIXTURE/info/$3.json" ;;
  "version ") cat "$BG_FIXTURE/version.txt" ;;
  *) echo "fake ctr: $*" >&2; exit 2 ;;
esac
)";

enum class Layout { as_recorded, indent_2, minified, reordered };

// Every object's keys in reverse order (nlohmann's ordered_json keeps insertion order).
nlohmann::ordered_json reversed(const nlohmann::ordered_json& value) {
    if (value.is_object()) {
        nlohmann::ordered_json out = nlohmann::ordered_json::object();
        std::vector<std::pair<std::string, nlohmann::ordered_json>> members;
        for (const auto& [key, member] : value.items()) {
            members.emplace_back(key, reversed(member));
        }
        for (auto member = members.rbegin(); member != members.rend(); ++member) {
            out[member->first] = member->second;
        }
        return out;
    }
    if (value.is_array()) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& element : value) {
            out.push_back(reversed(element));
        }
        return out;
    }
    return value;
}

std::string relaid(const std::string& text, Layout layout) {
    const auto document = nlohmann::ordered_json::parse(text);
    switch (layout) {
    case Layout::as_recorded:
        return text;
    case Layout::indent_2:
        // nlohmann::json (not ordered) also sorts every object's keys.
        return nlohmann::json::parse(text).dump(2) + "\n";
    case Layout::minified:
        return document.dump() + "\n";
    case Layout::reordered:
        return reversed(document).dump(4) + "\n";
    }
    return text;
}

class DaemonSetMatchTest : public ::testing::Test {
protected:
    // Copies FIXTURE (a folder of tests/unit/data/containerd) with its info documents laid
    // out as LAYOUT; ls.txt is its ls-telemetry-agent.txt.
    void use(const std::string& fixture, Layout layout = Layout::as_recorded) {
        m_fixture = fs::path(m_dir.path()) / "fixture";
        fs::remove_all(m_fixture);
        fs::create_directories(m_fixture / "info");
        const fs::path from = k_fixtures / fixture;
        for (const auto& entry : fs::directory_iterator(from / "info")) {
            write_text(m_fixture / "info" / entry.path().filename(),
                       relaid(read_text(entry.path()), layout));
        }
        fs::copy_file(from / "tasks.txt", m_fixture / "tasks.txt");
        fs::copy_file(from / "version.txt", m_fixture / "version.txt");
        fs::copy_file(from / "ls-telemetry-agent.txt", m_fixture / "ls.txt");
        write_text(m_fixture / "calls.log", "");
    }

    fs::path info_of(const std::string& id) const { return m_fixture / "info" / (id + ".json"); }

    // `sh -euc` with the library, then SCRIPT, on a node whose ctr is the fake.
    ProcessResult run(const std::string& script) const {
        const std::string ctr = m_dir.path() + "/ctr";
        write_text(ctr, k_fake_ctr);
        fs::permissions(ctr, fs::perms::owner_all);
        return run_process({"/bin/sh", "-euc",
                            library() + "\nCTR=" + ctr +
                                "\nCURL=none\nRUNTIME_SOCKET=" + m_socket_path + "\n" + script},
                           std::chrono::seconds(30), "", {"BG_FIXTURE=" + m_fixture.string()});
    }

    ProcessResult match(const std::string& name = "telemetry-agent") const {
        return run("DS_NAMESPACE=kube-system\nDS_NAME=" + name + "\nbg_ds_match\n");
    }

    TempDir m_dir;
    std::string m_socket_path = m_dir.path() + "/containerd.sock";
    UnixSocket m_socket{m_socket_path};
    fs::path m_fixture;
};

struct Shape {
    std::string fixture;
    Layout layout;
};

std::string shape_name(const ::testing::TestParamInfo<Shape>& info) {
    const std::array<const char*, 4> layouts{"AsPrinted", "Indent2", "Minified", "Reordered"};
    std::string name = "v" + info.param.fixture.substr(0, 3) + "_" +
                       layouts.at(static_cast<std::size_t>(info.param.layout));
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

class EveryShape : public DaemonSetMatchTest, public ::testing::WithParamInterface<Shape> {};

TEST_P(EveryShape, FindsExactlyTheTargetsPodsWithTwoLabelFilteredListings) {
    use(GetParam().fixture, GetParam().layout);
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out,
              read_text(k_fixtures / GetParam().fixture / "expected-telemetry-agent.txt"));
    // containerd is asked once for the task list and once, with the rule's label filters, for
    // the candidates; then each candidate's info (none other is read).
    std::istringstream calls(read_text(m_fixture / "calls.log"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(calls, line);) {
        lines.push_back(line.substr(line.find(" -n k8s.io ") + 11));
    }
    const std::string listing =
        read_text(k_fixtures / GetParam().fixture / "ls-telemetry-agent.txt");
    ASSERT_EQ(lines.size(), 2 + std::count(listing.begin(), listing.end(), '\n'));
    EXPECT_EQ(lines[0], "tasks ls");
    EXPECT_EQ(lines[1],
              "containers ls -q "
              "labels.\"io.cri-containerd.kind\"==\"sandbox\",labels.\"io.kubernetes.pod."
              "namespace\"==\"kube-system\",labels.\"io.kubernetes.pod.name\"~=\"^telemetry-agent-"
              "[bcdfghjklmnpqrstvwxz2456789]{5}$\",labels.\"controller-revision-hash\",labels."
              "\"pod-template-generation\" "
              "labels.\"io.cri-containerd.kind\"==\"container\",labels.\"io.kubernetes.pod."
              "namespace\"==\"kube-system\",labels.\"io.kubernetes.pod.name\"~=\"^telemetry-agent-"
              "[bcdfghjklmnpqrstvwxz2456789]{5}$\"");
    for (std::size_t i = 2; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].rfind("containers info ", 0), 0U) << lines[i];
    }
}

INSTANTIATE_TEST_SUITE_P(
    Containerd, EveryShape,
    ::testing::Values(Shape{"1.6-lab", Layout::as_recorded}, Shape{"1.6-lab", Layout::indent_2},
                      Shape{"1.6-lab", Layout::minified}, Shape{"1.6-lab", Layout::reordered},
                      Shape{"1.7", Layout::as_recorded}, Shape{"1.7", Layout::indent_2},
                      Shape{"1.7", Layout::minified}, Shape{"1.7", Layout::reordered},
                      Shape{"2.0", Layout::as_recorded}, Shape{"2.0", Layout::indent_2},
                      Shape{"2.0", Layout::minified}, Shape{"2.0", Layout::reordered}),
    shape_name);

TEST_F(DaemonSetMatchTest, ADotInTheNameIsALiteralInContainerdsRegularExpression) {
    use("2.0");
    match("agent.v1");
    EXPECT_NE(read_text(m_fixture / "calls.log").find("~=\"^agent[.]v1-[bcdf"), std::string::npos);
}

TEST_F(DaemonSetMatchTest, NodeFactsComeFromCtrVersionAndTheHoldRecordNeedsNoProcess) {
    use("2.0");
    const ProcessResult result =
        run("DS_NAMESPACE=kube-system\nDS_NAME=telemetry-agent\nbg_ds_match --facts\n"
            "KUBELET_UNIT='k3s-agent;x'\nbg_ds_kubelet_unit || echo refused $?\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "fact runtime ctr\nfact runtime_socket " + m_socket_path +
                              "\nfact read_via ctr\nfact runtime_version v2.0.5\n" +
                              read_text(k_fixtures / "2.0/expected-telemetry-agent.txt") +
                              "refused 2\n");
}

TEST_F(DaemonSetMatchTest, ARuntimeSocketSettingThatIsNotASafeAbsolutePathIsRefused) {
    use("2.0");
    for (const std::string bad : {"run/containerd.sock", "/run/../tmp/x.sock", "/run/a b.sock",
                                  "/run/x.sock;reboot", "/run/$(reboot).sock"}) {
        const ProcessResult result =
            run("RUNTIME_SOCKET='" + bad + "'\nDS_NAMESPACE=kube-system\nDS_NAME=x\nbg_ds_match\n");
        EXPECT_EQ(result.exit_code, 2) << bad << result.err;
        EXPECT_NE(result.err.find("runtime_socket"), std::string::npos) << result.err;
    }
}

TEST_F(DaemonSetMatchTest, TruncatedInfoIsAFailureNotAbsence) {
    use("1.6-lab");
    const fs::path sandbox =
        info_of("2aa584d03adc082436b5b1a1f8d2d8eeb0cf53f448b9adfe80611cb53e0f8b7a");
    const std::string text = read_text(sandbox);
    write_text(sandbox, text.substr(0, text.size() / 2));
    expect_unreadable(match(), "truncated JSON document");
}

TEST_F(DaemonSetMatchTest, InfoThatIsNotJsonIsAFailure) {
    use("1.7");
    write_text(info_of("a3" + std::string(62, '1')), "<html>502 Bad Gateway</html>\n");
    expect_unreadable(match(), "cannot read `ctr containers info a3");
    write_text(info_of("a3" + std::string(62, '1')), "");
    expect_unreadable(match(), "no JSON document");
    write_text(info_of("a3" + std::string(62, '1')), "{\"ID\": \"x\"} {}\n");
    expect_unreadable(match(), "unexpected {");
}

TEST_F(DaemonSetMatchTest, ARepeatedLabelKeyIsAFailure) {
    use("2.0");
    const fs::path sandbox = info_of("a3" + std::string(62, '1'));
    std::string text = read_text(sandbox);
    const std::string key = "\"Labels\": {";
    text.insert(text.find(key) + key.size(),
                "\n        \"io.kubernetes.pod.namespace\": \"monitoring\",");
    write_text(sandbox, text);
    expect_unreadable(match(), "duplicate key \"io.kubernetes.pod.namespace\"");
}

TEST_F(DaemonSetMatchTest, InfoDescribingAnotherContainerIsAFailure) {
    use("2.0");
    const std::string id = "b4" + std::string(62, '2');
    fs::copy_file(info_of("c5" + std::string(62, '3')), info_of(id),
                  fs::copy_options::overwrite_existing);
    expect_unreadable(match(), "describes another container");
}

TEST_F(DaemonSetMatchTest, AListedSandboxThatContradictsTheFilterIsAFailure) {
    use("1.7");
    // containerd said this sandbox carries the DaemonSet's labels; its info says otherwise.
    const fs::path sandbox = info_of("a3" + std::string(62, '1'));
    std::string text = read_text(sandbox);
    const std::string label = "\"controller-revision-hash\": \"6b8f9c7d5b\",";
    text.erase(text.find(label), label.size());
    write_text(sandbox, text);
    expect_unreadable(match(), "no DaemonSet labels");
}

TEST_F(DaemonSetMatchTest, AnUnknownTaskListingIsAFailure) {
    use("1.6-lab");
    write_text(m_fixture / "tasks.txt", "ID  PID  STATE\n");
    expect_unreadable(match(), "unknown `ctr tasks ls` header");
    write_text(m_fixture / "tasks.txt", "TASK PID STATUS\nabc running\n");
    expect_unreadable(match(), "unreadable `ctr tasks ls` line");
}

TEST_F(DaemonSetMatchTest, AListingThatIsNotContainerIdsIsAFailure) {
    use("1.6-lab");
    write_text(m_fixture / "ls.txt", "CONTAINER    IMAGE    RUNTIME\n");
    expect_unreadable(match(), "not a container ID");
}

TEST_F(DaemonSetMatchTest, ACtrErrorIsTheReasonButAContainerDeletedSinceTheListingIsGone) {
    use("1.7");
    // Deleted between `ctr containers ls` and its info (the fake ctr says "not found").
    fs::remove(info_of("c5" + std::string(62, '3')));
    const ProcessResult gone = match();
    EXPECT_EQ(gone.exit_code, 0) << gone.err;
    EXPECT_EQ(gone.out.find("log-shipper"), std::string::npos) << gone.out;
    EXPECT_NE(gone.out.find(" agent "), std::string::npos) << gone.out;
    write_text(m_fixture / "tasks.txt", "");
    expect_unreadable(match(), "unknown `ctr tasks ls` header");
    use("1.6-lab");
    // A ctr that fails otherwise: its error is the reason.
    write_text(m_fixture / "ls.txt", "0000deadbeef\n");
    write_text(m_fixture / "info" / "0000deadbeef.error", "ctr: connection error: EOF\n");
    expect_unreadable(match(), "ctr containers info failed: ctr: connection error: EOF");
}

TEST_F(DaemonSetMatchTest, NoMatchIsAnEmptyAnswerOnlyWhenContainerdListedNothing) {
    use("1.6-lab");
    write_text(m_fixture / "ls.txt", "");
    const ProcessResult result = match();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
}

TEST_F(DaemonSetMatchTest, CrictlOutputGoesThroughTheSameStrictTokenizer) {
    use("2.0");
    const ProcessResult flat =
        run("printf '%s' '{\"containers\":[{\"id\":\"ab\",\"labels\":{\"io.kubernetes.container."
            "name\":\"agent\"},\"state\":\"CONTAINER_RUNNING\"}]}' | bg_cri_flatten\n");
    EXPECT_EQ(flat.exit_code, 0) << flat.err;
    EXPECT_EQ(flat.out, "/\"containers\"/0/\"id\"\t\"ab\"\n"
                        "/\"containers\"/0/\"labels\"/\"io.kubernetes.container.name\"\t\"agent\"\n"
                        "/\"containers\"/0/\"state\"\t\"CONTAINER_RUNNING\"\n");
    const ProcessResult cut =
        run("printf '%s' '{\"containers\":[{\"id\":\"ab\"' | bg_cri_flatten\n");
    EXPECT_EQ(cut.exit_code, 5);
    EXPECT_EQ(cut.out, "");
    EXPECT_NE(cut.err.find("cannot read crictl output: truncated"), std::string::npos) << cut.err;
}

} // namespace
