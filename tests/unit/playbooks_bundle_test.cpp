#include "playbooks/bundle.hpp"
#include "playbooks/playbook_format.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace breakglass::playbooks {
namespace {

const std::filesystem::path k_source_dir = BREAKGLASS_SOURCE_DIR;

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

BundleStamp stamp() {
    BundleStamp value;
    value.clusters = {"prod-east"};
    value.issued_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 1};
    value.expires = value.issued_at + std::chrono::days{30};
    return value;
}

// Every shipped source bundles into a valid playbook whose every script carries its libraries.
TEST(Bundle, EveryShippedPlaybookBundlesWithItsLibrariesInEveryScript) {
    int count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(k_source_dir / "playbooks/shipped")) {
        ++count;
        const std::string source = read(entry.path());
        auto bundled = bundle_playbook(source, k_source_dir / "playbooks/lib", stamp());
        ASSERT_TRUE(bundled) << entry.path() << ": " << bundled.error();
        auto playbook = parse_playbook(*bundled);
        ASSERT_TRUE(playbook) << playbook.error();
        EXPECT_EQ(playbook->clusters, std::vector<std::string>{"prod-east"});
        EXPECT_EQ(playbook->expires - playbook->issued_at, std::chrono::days{30});
        const std::string match = read(k_source_dir / "playbooks/lib/daemonset_match.sh");
        for (const PlaybookStep& step : playbook->steps) {
            EXPECT_NE(step.run.find(match), std::string::npos) << entry.path() << " " << step.name;
        }
        if (playbook->verify) {
            EXPECT_NE(playbook->verify->run.find(match), std::string::npos) << entry.path();
        }
    }
    EXPECT_GE(count, 6);
}

TEST(Bundle, RefusesStampedFieldsMissingClustersAndLibrariesOutsideTheLibraryFolder) {
    const std::filesystem::path lib = k_source_dir / "playbooks/lib";
    const std::string base = R"({"apiVersion": "breakglass/v1", "kind": "Playbook",
        "metadata": {"name": "x", "version": 1}, "steps": [{"name": "s", "run": "true"}])";
    EXPECT_TRUE(bundle_playbook(base + "}", lib, stamp()));
    auto stamped = bundle_playbook(base + R"(, "scope": {"clusters": ["a"]}})", lib, stamp());
    ASSERT_FALSE(stamped);
    EXPECT_NE(stamped.error().find("scope"), std::string::npos);
    BundleStamp nowhere = stamp();
    nowhere.clusters.clear();
    EXPECT_FALSE(bundle_playbook(base + "}", lib, nowhere));
    for (const char* library : {"../shipped/daemonset-status.json", "..", "missing.sh"}) {
        auto escaped =
            bundle_playbook(base + R"(, "libraries": [")" + library + R"("]})", lib, stamp());
        EXPECT_FALSE(escaped) << library;
    }
    EXPECT_FALSE(bundle_playbook("[1]", lib, stamp()));
    auto invalid = bundle_playbook(R"({"kind": "Playbook"})", lib, stamp());
    ASSERT_FALSE(invalid);
    EXPECT_NE(invalid.error().find("invalid"), std::string::npos);
}

} // namespace
} // namespace breakglass::playbooks
