#include "tests/integration/support/match_lines.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace breakglass::testing {

std::vector<MatchLine> parse_match(const std::string& out) {
    std::vector<MatchLine> lines;
    std::istringstream stream(out);
    std::string text;
    while (std::getline(stream, text)) {
        std::istringstream fields(text);
        MatchLine line;
        fields >> line.kind >> line.uid >> line.name >> line.id >> line.state >> line.pid;
        EXPECT_TRUE(!fields.fail() && (line.kind == "sandbox" || line.kind == "container"))
            << "unexpected output line: " << text;
        lines.push_back(line);
    }
    return lines;
}

std::set<std::string> identities(const std::vector<MatchLine>& lines) {
    std::set<std::string> out;
    for (const auto& line : lines) {
        out.insert(line.kind + " " + line.uid + " " + line.name);
    }
    return out;
}

std::set<std::string> expected_identities(const nlohmann::json& node_pods, const std::string& ns,
                                          const std::string& name) {
    std::set<std::string> out;
    for (const auto& pod : node_pods) {
        if (pod["namespace"] == ns && pod["owner"] == "DaemonSet/" + name) {
            const auto uid = pod["uid"].get<std::string>();
            out.insert("sandbox " + uid + " " + pod["name"].get<std::string>());
            for (const auto& container : pod["containers"]) {
                out.insert("container " + uid + " " + container["name"].get<std::string>());
            }
        }
    }
    return out;
}

} // namespace breakglass::testing
