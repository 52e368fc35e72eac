#pragma once

#include "containment/node_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace breakglass::containment {

// A caveat never makes a node fail: the action did what it does (the rules are in place and
// verified), but something in the pod can get round it. A failure budget counts such a node
// as a success; the responder is told per node (human notes, JSON `caveats`).

/// The caveat kind of a pod whose containers can bypass in-pod isolation.
inline constexpr std::string_view k_isolation_not_guaranteed = "isolation-not-guaranteed";

/// One line for the responder: what the container holds and what that lets it do, e.g.
/// "isolation-not-guaranteed: container agent of pod P holds CAP_NET_RAW (raw packets bypass
/// iptables)". Unknown kinds and reasons are shown as they came.
std::string describe(const Caveat& caveat);

/// The distinct caveat kinds of a report, sorted.
std::vector<std::string> caveat_kinds(const NodeReport& report);

} // namespace breakglass::containment
