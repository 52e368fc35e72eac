#pragma once

#include "transport/node_result.hpp"
#include "transport/node_session.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace breakglass::transport {

/// The run's own load on nodes, bastions and this machine: bounded and stated.
struct FanOutLimits {
    int parallel = 64;                         // sessions in flight
    int rate = 0;                              // new connections per second; 0: unlimited
    std::chrono::milliseconds deadline{0};     // whole run; 0: none
    const std::atomic<bool>* cancel = nullptr; // set from a signal handler to interrupt
    int jump_parallel = 64;                    // channels in flight per bastion
    // Asked before each node starts: Reason::none lets it start; any other reason starts no
    // more nodes (those in flight finish within their own timeouts) and ends every node not
    // started as `skipped` with that reason. A rollout's failure budget and a first signal
    // ("finish what runs, start nothing new") come in through here. Empty: always start.
    std::function<Reason()> hold;
};

/// Called once per node, in the order nodes finish (so JSONL can stream).
using NodeFinished = std::function<void(std::size_t node, NodeResult&& result)>;

/// Runs `job` on every target: nonblocking libssh sessions driven by one event loop (see
/// transport/README.md for why), at most `parallel` in flight, started no faster than `rate`.
/// Every node ends exactly once in `on_finished`, also on deadline and interrupt: nodes never
/// started then end `timeout` (deadline) or `skipped` (interrupted, or held back by
/// `limits.hold`) with a reason saying so.
void run_fanout(const std::vector<NodeTarget>& targets, const NodeJob& job,
                const SessionSettings& settings, const FanOutLimits& limits,
                const NodeFinished& on_finished);

} // namespace breakglass::transport
