#include "transport/host_key_scan.hpp"

#include "transport/fanout.hpp"

namespace breakglass::transport {

std::vector<ScannedHostKey> scan_host_keys(const std::vector<HostKeyTarget>& targets,
                                           const HostKeyScanOptions& options) {
    std::vector<NodeTarget> nodes;
    nodes.reserve(targets.size());
    for (const HostKeyTarget& target : targets) {
        // Only the types of "pinned" keys count here: a scan records what it is shown
        // (check_host_key's record_only) but asks for those types alone.
        nodes.push_back({target.address,
                         target.address,
                         target.port,
                         "",
                         target.key_types,
                         BecomeMethod::none,
                         {},
                         nullptr});
    }
    NodeJob job;
    job.scan_host_key_only = true;
    SessionSettings settings;
    settings.connect_timeout = options.connect_timeout;
    settings.handshake_timeout = options.handshake_timeout;
    FanOutLimits limits;
    limits.parallel = options.parallel;

    std::vector<ScannedHostKey> scanned(targets.size());
    run_fanout(nodes, job, settings, limits, [&](std::size_t index, NodeResult&& result) {
        ScannedHostKey& entry = scanned[index];
        entry.ok = result.status == NodeStatus::ok && !result.host_key.empty();
        entry.public_key = std::move(result.host_key);
        entry.error = entry.ok ? "" : std::string(to_string(result.status)) + ": " + result.message;
    });
    return scanned;
}

} // namespace breakglass::transport
