// How cli/ hands the transport's reason to containment (node_run_of): only a plain non-zero exit
// (reason exit-status) is the playbook's own verdict and takes its exit status's reason; a
// refusal or a timeout keeps the transport's word, spelled as in exec's JSON.
#include "cli/daemonset_output.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace breakglass;

namespace {

// The reason a `daemonset freeze` JSON line gives for a node that ended as `status` with
// `reason`, exit status `exit_code`, and nothing on its standard output (a readable report).
std::string reason_shown(transport::NodeStatus status, transport::Reason reason,
                         std::optional<int> exit_code) {
    std::ostringstream out;
    std::ostringstream err;
    cli::DaemonSetOutput output(cli::DaemonSetFormat::jsonl, *containment::find_action("freeze"),
                                containment::DaemonSetRef{"kube-system", "agent"},
                                {{"n1", "127.0.0.1"}}, out, err);
    transport::NodeResult result;
    result.status = status;
    result.reason = reason;
    result.exit_code = exit_code;
    result.message = "from the transport";
    result.steps.push_back({"freeze", status, exit_code, reason, {}, {}, {}});
    output.on_finished(0, std::move(result));
    output.finish(std::chrono::milliseconds(1));
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) {
        const nlohmann::json document = nlohmann::json::parse(line);
        if (document.at("type") == "node") {
            return document.at("reason").get<std::string>();
        }
    }
    ADD_FAILURE() << "no node line in: " << out.str();
    return {};
}

TEST(CliDaemonSetReason, APlainNonZeroExitTakesThePlaybooksReason) {
    EXPECT_EQ(reason_shown(transport::NodeStatus::failed, transport::Reason::exit_status, 6),
              "kubelet-would-restart");
    EXPECT_EQ(reason_shown(transport::NodeStatus::failed, transport::Reason::exit_status, 1),
              "exit-status");
}

TEST(CliDaemonSetReason, ARefusalOrATimeoutKeepsTheTransportsWord) {
    // sudo exits 1 when it refuses; exit status 3 would read as no-runtime if it were trusted.
    EXPECT_EQ(reason_shown(transport::NodeStatus::failed, transport::Reason::become_denied, 3),
              "become-denied");
    EXPECT_EQ(reason_shown(transport::NodeStatus::timeout, transport::Reason::command_timeout,
                           std::nullopt),
              "command-timeout");
    EXPECT_EQ(reason_shown(transport::NodeStatus::unreachable, transport::Reason::jump_failed,
                           std::nullopt),
              "jump-failed");
}

TEST(CliDaemonSetReason, ASuccessHasNoReason) {
    EXPECT_EQ(reason_shown(transport::NodeStatus::ok, transport::Reason::none, 0), "");
}

} // namespace
