#include "drill/summary.hpp"

namespace breakglass::drill {

namespace {

std::vector<std::chrono::milliseconds>
reached_times(const std::vector<NodeOutcome>& outcomes,
              std::chrono::milliseconds NodeOutcome::*phase) {
    std::vector<std::chrono::milliseconds> times;
    for (const NodeOutcome& outcome : outcomes) {
        if (outcome.reached) {
            times.push_back(outcome.*phase);
        }
    }
    return times;
}

} // namespace

NodeFigures node_figures(const std::vector<NodeOutcome>& outcomes) {
    NodeFigures figures;
    figures.sampled = outcomes.size();
    for (const NodeOutcome& outcome : outcomes) {
        if (outcome.reached) {
            ++figures.reachable;
        } else {
            figures.unreachable.push_back(outcome.name);
        }
        if (outcome.ready) {
            ++figures.ready;
        } else {
            figures.not_ready.push_back(outcome.name);
        }
    }
    figures.node_time = percentiles_of(reached_times(outcomes, &NodeOutcome::total));
    return figures;
}

TimingFigures timing_figures(const std::vector<NodeOutcome>& outcomes, std::size_t slowest_count) {
    TimingFigures figures;
    figures.connect = percentiles_of(reached_times(outcomes, &NodeOutcome::connect));
    figures.handshake_auth = percentiles_of(reached_times(outcomes, &NodeOutcome::handshake_auth));
    figures.node = percentiles_of(reached_times(outcomes, &NodeOutcome::total));
    std::vector<std::chrono::milliseconds> totals;
    std::vector<std::size_t> reached;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i].reached) {
            totals.push_back(outcomes[i].total);
            reached.push_back(i);
        }
    }
    for (std::size_t index : slowest(totals, slowest_count)) {
        figures.slowest.push_back(reached[index]);
    }
    return figures;
}

} // namespace breakglass::drill
