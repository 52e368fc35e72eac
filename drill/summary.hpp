#pragma once

#include "drill/node_outcome.hpp"
#include "drill/percentiles.hpp"
#include "drill/slo.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace breakglass::drill {

/// The phases' percentiles over the nodes that were reached, and the slowest of them.
struct TimingFigures {
    std::optional<Percentiles> connect;
    std::optional<Percentiles> handshake_auth;
    std::optional<Percentiles> node;
    std::vector<std::size_t> slowest; // indices into the outcomes, slowest whole-node time first
};

/// Counts and names for the node objectives; node_time over reached nodes only (an
/// unreachable node's time measures a timeout, not the path).
NodeFigures node_figures(const std::vector<NodeOutcome>& outcomes);

/// Percentiles of connect, handshake+auth and whole-node time over reached nodes, and up to
/// `slowest_count` of them by whole-node time.
TimingFigures timing_figures(const std::vector<NodeOutcome>& outcomes, std::size_t slowest_count);

} // namespace breakglass::drill
