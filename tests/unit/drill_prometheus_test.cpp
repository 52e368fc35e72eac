#include "drill/prometheus.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

using namespace breakglass::drill;
using namespace std::chrono_literals;

namespace {

DrillMetrics metrics() {
    DrillMetrics m;
    m.cluster = "prod \"eu\"\\1\nx";
    m.finished = std::chrono::system_clock::time_point(1'800'000'000'500ms);
    m.duration = 1500ms;
    m.selected = 10;
    m.sampled = 4;
    m.reachable = 3;
    m.ready = 2;
    m.pinned_ratio = 1.0;
    m.inventory_age = 3600s;
    m.inventory_signed = true;
    m.node = Percentiles{100ms, 250ms, 1200ms, 2500ms, 4};
    m.slos = {{Slo::reachable, false, ""}, {Slo::ready, true, ""}};
    return m;
}

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST(DrillPrometheus, LabelValuesAreEscaped) {
    EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    EXPECT_EQ(escape_label_value("plain"), "plain");
    EXPECT_EQ(escape_label_value("z\xc3\xbcrich"), "z\xc3\xbcrich"); // UTF-8 stays itself
}

// Whatever the value, the file stays UTF-8, one sample a line, with only the escapes the
// exposition format knows: controls and invalid bytes become \xNN text first, whose backslash
// the format then escapes (a reader gets the four characters \xNN back).
TEST(DrillPrometheus, ALabelValueThatIsNotCleanUtf8StaysReadable) {
    EXPECT_EQ(escape_label_value("a\xff"
                                 "b"),
              R"(a\\xffb)");
    EXPECT_EQ(escape_label_value("a\x1b[2Jb"), R"(a\\x1b[2Jb)");
    EXPECT_EQ(escape_label_value("a\rb"), R"(a\\rb)");
    DrillMetrics hostile;
    hostile.cluster = "prod\xc0\x80\x1b]0;x\x07";
    const std::string text = render_textfile(hostile);
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_TRUE(byte == '\n' || (byte >= 0x20 && byte < 0x7f)) << int(byte);
    }
    EXPECT_NE(text.find(R"(cluster="prod\\xc0\\x80\\x1b]0;x\\x07")"), std::string::npos) << text;
}

TEST(DrillPrometheus, EveryFamilyHasHelpTypeAndClusterLabelledSamples) {
    const std::string text = render_textfile(metrics());
    const std::string cluster = "cluster=\"prod \\\"eu\\\"\\\\1\\nx\"";
    EXPECT_NE(text.find("# HELP breakglass_drill_last_run_timestamp_seconds "), std::string::npos);
    EXPECT_NE(text.find("# TYPE breakglass_drill_last_run_timestamp_seconds gauge\n"),
              std::string::npos);
    EXPECT_NE(
        text.find("breakglass_drill_last_run_timestamp_seconds{" + cluster + "} 1800000000.5\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("breakglass_drill_reachable_ratio{" + cluster + "} 0.75\n"),
              std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_slo_met{" + cluster + ",slo=\"reachable\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_slo_met{" + cluster + ",slo=\"ready\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_success{" + cluster + "} 0\n"), std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_node_seconds{" + cluster + ",quantile=\"0.99\"} 1.2\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE breakglass_drill_node_seconds summary\n"), std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_node_seconds_sum{" + cluster + "} 2.5\n"),
              std::string::npos);
    EXPECT_NE(text.find("breakglass_drill_node_seconds_count{" + cluster + "} 4\n"),
              std::string::npos);
    // No connect figures measured: no family at all, rather than a made-up 0.
    EXPECT_EQ(text.find("breakglass_drill_connect_seconds"), std::string::npos);
    // Every sample line belongs to a family declared just before it.
    std::istringstream lines(text);
    std::string line;
    std::string family;
    while (std::getline(lines, line)) {
        if (line.rfind("# TYPE ", 0) == 0) {
            family = line.substr(7, line.find(' ', 7) - 7);
        } else if (line.rfind("# HELP ", 0) != 0) {
            const std::string name = line.substr(0, line.find('{'));
            EXPECT_TRUE(name == family || name == family + "_sum" || name == family + "_count")
                << line;
        }
    }
    EXPECT_EQ(text.back(), '\n');
}

TEST(DrillPrometheus, WritesAtomicallyAndRefusesAMissingDirectory) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("drill-prom-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "drill.prom";
    ASSERT_TRUE(write_textfile(file, "old\n"));
    ASSERT_TRUE(write_textfile(file, "new\n"));
    EXPECT_EQ(read(file), "new\n");
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644U);
    // No temporary is left behind.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
        ++entries;
    }
    EXPECT_EQ(entries, 1U);
    auto missing = write_textfile(dir / "no-such-dir" / "drill.prom", "x\n");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("no-such-dir"), std::string::npos);
    std::filesystem::remove_all(dir);
}
