#pragma once

#include "drill/local_checks.hpp"
#include "drill/percentiles.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::drill {

/// The drill's objectives. The defaults are the documented ones (man page, --help).
struct SloThresholds {
    double min_reachable = 0.99;                           // --min-reachable 99%
    double min_ready = 0.99;                               // --min-ready 99%
    std::chrono::seconds max_inventory_age{24 * 3600};     // --max-inventory-age 24h
    std::chrono::milliseconds max_p99{2000};               // --max-p99 2s (whole-node time)
    double min_pinned = 1.0;                               // --min-pinned 100%
    std::chrono::seconds min_playbook_validity{7 * 86400}; // --min-playbook-validity 7d
};

/// The objectives, each once, in report order. Their spellings (to_string) are the `slo` label
/// of breakglass_drill_slo_met and the JSON `slo` field.
enum class Slo {
    reachable,           // share of sampled nodes reached (connect, host key, auth, become)
    ready,               // share of sampled nodes whose containment path is ready
    node_p99,            // p99 of whole-node time
    inventory_age,       // age of the inventory
    inventory_signature, // signed and verified, by a signer valid for min_playbook_validity
    pinned,              // share of the inventory's nodes with a pinned host key
    playbook_validity,   // every playbook verifies and stays valid for min_playbook_validity
    exercise,            // --exercise only: every sampled node contained, then restored
};

/// "reachable", "ready", "node-p99", "inventory-age", "inventory-signature", "pinned",
/// "playbook-validity", "exercise".
std::string_view to_string(Slo slo);

/// One objective's outcome and its one line ("reachable 95.0% < 99%: node-3, node-7").
struct SloResult {
    Slo slo = Slo::reachable;
    bool met = false;
    std::string line;
};

/// True when there are results and every one was met: the drill's verdict (a drill that
/// judged nothing did not pass).
bool all_met(const std::vector<SloResult>& results);

/// What the drill measured on the nodes.
struct NodeFigures {
    std::size_t sampled = 0;
    std::size_t reachable = 0;
    std::size_t ready = 0;
    std::optional<Percentiles> node_time; // over reached nodes
    std::vector<std::string> unreachable; // names, for the miss line
    std::vector<std::string> not_ready;   // names, for the miss line
};

/// Parses a share: "99%", "99.5%" or "100%" (0..100, at most 3 decimals); the error quotes it.
tl::expected<double, std::string> parse_share(std::string_view text);

/// "99%", "99.5%": a share as parse_share reads it.
std::string format_share(double share);

/// Every objective but `exercise` (exercise.hpp), met or not, in enum order. A ratio over no nodes
/// misses; p99 over no reached node misses. A playbook that does not verify misses
/// playbook_validity (naming it); so does one valid for less than min_playbook_validity. An
/// unsigned or badly signed inventory, or one whose signer's valid-before falls within
/// min_playbook_validity, misses inventory_signature: the incident's mutating run would refuse it.
std::vector<SloResult> evaluate_slos(const NodeFigures& nodes, const InventoryCheck& inventory,
                                     const std::vector<PlaybookCheck>& playbooks,
                                     const SloThresholds& thresholds, std::chrono::sys_seconds now);

} // namespace breakglass::drill
