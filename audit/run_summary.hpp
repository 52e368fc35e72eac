#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::audit {

/// How one node of a run ended, from its node-result record.
struct NodeOutcome {
    std::string node;
    std::string status; // transport's spelling: ok, failed, timeout, unreachable, ...
    std::string reason;
    std::optional<std::int64_t> exit_code;
};

/// One run as its records tell it: who, what, when, which nodes ended how.
struct RunSummary {
    std::string run_id;
    std::string started;  // ts of run-start
    std::string ended;    // ts of run-end; empty when the run has none (crashed, killed, running)
    std::string user;     // user@host
    std::string command;  // the command line, words joined by spaces
    std::string playbook; // "NAME vVERSION", empty for exec
    std::string inventory_cluster;
    std::size_t waves = 0;
    std::vector<NodeOutcome> nodes;              // in record order
    std::map<std::string, std::uint64_t> counts; // status -> nodes, from the node results
    std::string end_reason; // completed, budget, interrupted, deadline, refused; empty if none
};

/// Groups run records (run-start, wave-start, node-result, run-end) by run_id, in the order the
/// runs started; records of other types (log-start, torn) and fields of unexpected types are
/// ignored, never thrown on.
std::vector<RunSummary> summarize_runs(const std::vector<nlohmann::json>& records);

/// A summary as JSON (the `audit show -o json` object of one run).
nlohmann::json to_json(const RunSummary& run);

} // namespace breakglass::audit
