#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::testing {

/// One line of bg_ds_match's output (playbooks/lib/daemonset_match.sh).
struct MatchLine {
    std::string kind; // sandbox | container
    std::string uid;
    std::string name; // pod name for a sandbox, container name for a container
    std::string id;
    std::string state;
    long pid = -1;
};

/// The lines of bg_ds_match's output, in order; a line of another shape fails the test (and is
/// kept, so counts still see it).
std::vector<MatchLine> parse_match(const std::string& out);

/// "sandbox UID POD" and "container UID NAME": what a match is, without IDs and states.
std::set<std::string> identities(const std::vector<MatchLine>& lines);

/// The same identities as the lab made them for one node (its pods.json entry NODE_PODS): the
/// pods of DaemonSet NS/NAME.
std::set<std::string> expected_identities(const nlohmann::json& node_pods, const std::string& ns,
                                          const std::string& name);

} // namespace breakglass::testing
