// The drill's outputs: node- and inventory-supplied text reaches the terminal escaped; the
// human report starts with its verdict and names each objective missed; the JSON document
// carries the contract's keys.
#include "cli/drill_output.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace breakglass;
using namespace std::chrono_literals;

namespace {

bool has_raw_control(const std::string& text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n') || byte == 0x7F) {
            return true;
        }
    }
    return false;
}

cli::DrillReport hostile_report() {
    cli::DrillReport report;
    report.cluster = "prod\x1b]0;owned\x07";
    report.seed = 42;
    report.selected = 2;
    drill::NodeOutcome good;
    good.name = "node-1";
    good.reached = good.ready = true;
    good.total = 120ms;
    drill::NodeOutcome bad;
    bad.name = "node-2\x1b[2J";
    bad.reached = true;
    bad.total = 300ms;
    bad.problems = {"not ready: unreadable report (line 1: '\x1b[31mred' ...)"};
    report.nodes = {good, bad};
    report.timings = drill::timing_figures(report.nodes, 5);
    report.inventory.captured_at = std::chrono::sys_seconds(1'800'000'000s);
    report.inventory.signature_verified = true;
    report.inventory.signer = "ops\x1b[1m";
    report.inventory.nodes = report.inventory.pinned = 2;
    report.playbooks = {
        {"drill-readiness", "/p/d.json", "", std::chrono::sys_seconds(1'900'000'000s)}};
    report.slos =
        drill::evaluate_slos(drill::node_figures(report.nodes), report.inventory, report.playbooks,
                             {}, std::chrono::sys_seconds(1'800'000'100s));
    report.warnings = {"trusted signer ev\x1bil expires in 2d"};
    report.finished = std::chrono::system_clock::time_point(1'800'000'100s);
    return report;
}

} // namespace

TEST(CliDrillOutput, HumanReportIsEscapedAndLeadsWithItsVerdict) {
    std::ostringstream out;
    cli::print_drill_human(hostile_report(), out);
    const std::string text = out.str();
    EXPECT_FALSE(has_raw_control(text)) << text;
    EXPECT_EQ(text.rfind("drill FAILED: 1 of 7 objectives missed", 0), 0U) << text;
    EXPECT_NE(text.find("\nMISSED ready: "), std::string::npos) << text;
    EXPECT_NE(text.find("seed 42"), std::string::npos) << text;
    EXPECT_NE(text.find("slowest: node-2"), std::string::npos) << text;
}

TEST(CliDrillOutput, JsonCarriesTheVerdictAndEveryNode) {
    std::ostringstream out;
    cli::print_drill_json(hostile_report(), out);
    const nlohmann::json document = nlohmann::json::parse(out.str());
    EXPECT_EQ(document["schema_version"], 1);
    EXPECT_EQ(document["passed"], false);
    EXPECT_EQ(document["missed"], nlohmann::json::array({"ready"}));
    EXPECT_EQ(document["seed"], "42");
    EXPECT_EQ(document["sampled"], 2);
    EXPECT_EQ(document["ready"], 1);
    ASSERT_EQ(document["nodes"].size(), 2U);
    EXPECT_EQ(document["nodes"][1]["name"], "node-2\x1b[2J"); // JSON escapes it, verbatim
    EXPECT_EQ(document["nodes"][1]["readiness"], nullptr);
    EXPECT_EQ(document["timings_ms"]["node"]["p99"], 300);
    EXPECT_FALSE(document.contains("exercise"));
}

TEST(CliDrillOutput, MetricsFollowTheReport) {
    const drill::DrillMetrics metrics = cli::drill_metrics(hostile_report());
    EXPECT_EQ(metrics.sampled, 2U);
    EXPECT_EQ(metrics.ready, 1U);
    EXPECT_EQ(metrics.inventory_age, 100s);
    ASSERT_TRUE(metrics.playbook_validity);
    EXPECT_EQ(*metrics.playbook_validity, 99'999'900s);
    EXPECT_FALSE(metrics.exercise_contain);
}

// Node text that is not UTF-8 (a transport message quoting raw output) must not end the drill
// with an exception: the JSON document replaces it.
TEST(CliDrillOutput, JsonReplacesNodeTextThatIsNotUtf8) {
    cli::DrillReport report = hostile_report();
    report.nodes[1].problems = {"readiness step failed (exit-status): \xff\xfe\xc3"};
    std::ostringstream out;
    ASSERT_NO_THROW(cli::print_drill_json(report, out));
    const nlohmann::json document = nlohmann::json::parse(out.str());
    EXPECT_EQ(document["nodes"][1]["problems"][0],
              "readiness step failed (exit-status): \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
