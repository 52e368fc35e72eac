// What a compromised node prints reaches the responder's terminal escaped, on every human
// output path of exec and daemonset (streamed, gathered, failure lines, summaries, reports).
#include "cli/daemonset_output.hpp"
#include "cli/exec_output.hpp"

#include <sstream>

#include <gtest/gtest.h>

using namespace breakglass;

namespace {

std::string join(const std::vector<std::string_view>& names) {
    std::string joined;
    for (std::string_view name : names) {
        joined += (joined.empty() ? "" : ",") + std::string(name);
    }
    return joined;
}

bool has_raw_control(const std::string& text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F) {
            return true;
        }
    }
    return false;
}

transport::NodeResult failed_with(std::string out, std::string message) {
    transport::NodeResult result;
    result.status = transport::NodeStatus::failed;
    result.exit_code = 3;
    result.reason = transport::Reason::exit_status;
    result.message = std::move(message);
    result.out.tail = out;
    result.steps.push_back({"run",
                            transport::NodeStatus::failed,
                            3,
                            transport::Reason::exit_status,
                            {out, 0, 0},
                            {},
                            {}});
    return result;
}

} // namespace

TEST(CliOutputEscape, ExecStreamEscapesLinesSplitAnywhere) {
    std::ostringstream out;
    std::ostringstream err;
    cli::ExecOutput output(cli::ExecFormat::stream, {{"node0001", "127.0.0.1"}}, "x", out, err,
                           join);
    // A CRLF and a UTF-8 character each cut between two reads.
    output.on_output(0, "a\x1b[2Kb\r", false);
    output.on_output(0, "\nsplit \xe2\x9c", false);
    output.on_output(0, "\x93 ok\x9b\r\nlast\rline", false);
    output.on_finished(0, failed_with("", "exit 3\x1b]52;c;eA==\x07\nnode0002: contained"));
    output.finish(std::chrono::milliseconds(5));
    EXPECT_EQ(out.str(), "node0001: a\\x1b[2Kb\n"
                         "node0001: split \xe2\x9c\x93 ok\\x9b\n"
                         "node0001: last\\rline\n");
    EXPECT_NE(
        err.str().find("node0001: failed (exit-status): exit 3\\x1b]52;c;eA==\\x07\\nnode0002: "
                       "contained\n"),
        std::string::npos)
        << err.str();
    EXPECT_FALSE(has_raw_control(out.str()));
    EXPECT_FALSE(has_raw_control(err.str()));
}

TEST(CliOutputEscape, ExecStreamKeepsACharacterCutByAnEndlessLine) {
    std::ostringstream out;
    std::ostringstream err;
    cli::ExecOutput output(cli::ExecFormat::stream, {{"n1", "127.0.0.1"}}, "x", out, err, join);
    // A line longer than the 64 KiB kept per node is printed in pieces; the cut must not split
    // the check mark into bytes.
    output.on_output(0, std::string(70000, 'x') + "\xe2\x9c", false);
    output.on_output(0, "\x93 done\n", false);
    EXPECT_EQ(out.str(), "n1: " + std::string(70000, 'x') + "\nn1: \xe2\x9c\x93 done\n");
}

TEST(CliOutputEscape, ExecGatherEscapesTheSharedText) {
    std::ostringstream out;
    std::ostringstream err;
    cli::ExecOutput output(cli::ExecFormat::gather, {{"n1", "127.0.0.1"}, {"n2", "127.0.0.2"}}, "x",
                           out, err, join);
    for (std::size_t node : {0U, 1U}) {
        output.on_finished(node, failed_with("\x1b[31mred\r\n\xc2\x85", "exit 3"));
    }
    output.finish(std::chrono::milliseconds(5));
    EXPECT_NE(out.str().find("n1,n2 (2)\n---------------\n\\x1b[31mred\n\\u0085\n"),
              std::string::npos)
        << out.str();
    EXPECT_FALSE(has_raw_control(out.str()));
    EXPECT_FALSE(has_raw_control(err.str()));
}

TEST(CliOutputEscape, DaemonSetReportFieldsAndMessagesAreEscaped) {
    std::ostringstream out;
    std::ostringstream err;
    const containment::ActionSpec& action = *containment::find_action("status");
    cli::DaemonSetOutput output(cli::DaemonSetFormat::human, action,
                                containment::DaemonSetRef{"kube-system", "agent"},
                                {{"n1", "127.0.0.1"}, {"n2", "127.0.0.2"}}, out, err, join);
    transport::NodeResult reported;
    reported.status = transport::NodeStatus::ok;
    reported.exit_code = 0;
    const std::string report = "matched 1\n"
                               "sandbox uid1 agent-\x1b[8mx sb1 running 10\n"
                               "container uid1 agent\x07 c1 running 11\n"
                               "note \x1b]52;c;eA==\x07 clipboard\r\n";
    reported.out.tail = report;
    reported.steps.push_back({"snapshot",
                              transport::NodeStatus::ok,
                              0,
                              transport::Reason::none,
                              {report, 0, 0},
                              {},
                              {}});
    output.on_finished(0, std::move(reported));
    // A failing step's last stderr line becomes the node's message.
    transport::NodeResult failed = failed_with("", "exit 3");
    failed.steps.back().err.tail = "bad\n\x1b[2K\rn2: contained\r\n";
    output.on_finished(1, std::move(failed));
    output.finish(std::chrono::milliseconds(5));
    EXPECT_FALSE(has_raw_control(out.str())) << out.str();
    EXPECT_FALSE(has_raw_control(err.str())) << err.str();
    EXPECT_NE(out.str().find("agent-\\x1b[8mx"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("n1: note: \\x1b]52;c;eA==\\x07 clipboard"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("): \\x1b[2K\\rn2: contained\n"), std::string::npos) << out.str();
}
