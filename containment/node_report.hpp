#pragma once

#include "containment/node_journal.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::containment {

// What the shipped DaemonSet playbooks print on a node, one record a line, fields separated by
// one space (playbooks/lib/daemonset_match.sh and daemonset_actions.sh write them):
//   sandbox   POD-UID POD-NAME       SANDBOX-ID   STATE PID
//   container POD-UID CONTAINER-NAME CONTAINER-ID STATE PID
//   change    WHAT ID FROM TO        (the step moved WHAT, e.g. a container, from FROM to TO)
//   unchanged WHAT ID STATE          (already where the action would put it)
//   note      TEXT...                (one line for the responder)
//   matched   N                      (a snapshot of N pods follows: starts one even when empty)
//   remaining N                      (verify: how many matched things are still active)
//   caveat    KIND POD CONTAINER WHY (the action holds, with a limit: KIND
//             isolation-not-guaranteed, WHY comma-separated CAP_NET_ADMIN, CAP_NET_RAW or
//             capabilities-unreadable; playbooks/lib/pod_isolation.sh)
//   fact      KEY VALUE              (status: what the node is; see NodeReport::facts)
//   journal   LINE                   (status: one line of the node journal, node_journal.hpp;
//             a line that does not parse is counted, never shown)
// Other lines are ignored, so that a playbook may print more for humans.

struct MatchedContainer {
    std::string name;
    std::string id;
    std::string state; // running, paused, pausing, stopped, created, unknown
    std::int64_t pid = 0;
};

struct MatchedPod {
    std::string uid;
    std::string name;
    std::string sandbox_id;
    std::string sandbox_state;
    std::int64_t sandbox_pid = 0;
    std::vector<MatchedContainer> containers;
};

struct StateChange {
    std::string what; // container, sandbox, kubelet, ...
    std::string id;
    std::string from;
    std::string to; // equal to `from` for an `unchanged` line
};

/// A limit of what the action achieved on one container; not a failure (see caveats.hpp).
struct Caveat {
    std::string kind; // isolation-not-guaranteed
    std::string pod;
    std::string container;
    std::vector<std::string> why;
};

struct NodeReport {
    std::vector<MatchedPod> pods; // the last snapshot printed (verify's, when it has one)
    std::vector<StateChange> changes;
    std::vector<StateChange> unchanged;
    std::vector<std::string> notes;
    std::optional<std::int64_t> remaining;
    std::vector<Caveat> caveats;
    /// Container and sandbox IDs of every snapshot, named ("agent", "sandbox of POD"), so that a
    /// change to something gone by the last snapshot can still be named.
    std::map<std::string, std::string> names;
    /// daemonset-status's facts (playbooks/lib/daemonset_match.sh, bg_ds_facts): cgroup (v1, v2,
    /// hybrid), runtime (ctr, crictl, none), runtime_version, read_via (api: containerd's gRPC
    /// API with curl; ctr; crictl), runtime_socket, kubelet_unit,
    /// kubelet_state (systemctl is-active's word), kubelet_hold (none, or the epoch second its
    /// automatic release is due). Keys this version does not know are dropped.
    std::map<std::string, std::string> facts;
    /// daemonset-status's last node journal lines, oldest first, and how many of them did not
    /// parse (written by anyone root on the node: shown only once parsed).
    std::vector<JournalEntry> journal;
    std::size_t journal_unreadable = 0;
};

/// One step's standard output as the transport kept it: the tail, and how much was cut.
struct StepOutput {
    std::string_view tail;
    std::uint64_t dropped_bytes = 0;
};

/// parse_node_report over what was kept. A step whose output was cut (max_output) is an error,
/// and nothing is read: a report missing its head could under-report.
tl::expected<NodeReport, std::string> parse_kept_report(const std::vector<StepOutput>& steps);

/// The facts in one line for humans: "cgroup v2, ctr (containerd 1.6.20, read through its API)
/// at SOCKET, kubelet unit kubelet active, no kubelet hold"; empty when the report has none.
std::string describe_facts(const NodeReport& report);

/// kubelet_hold's release time as RFC 3339 UTC ("2026-12-06T10:00:00Z"), or nullopt when no
/// hold is in force (or none was reported).
std::optional<std::string> kubelet_hold_until(const NodeReport& report);

/// Parses the standard output of each step, in order. A snapshot (sandbox/container lines)
/// printed by a later step replaces an earlier one. A malformed record is an error naming the
/// step's line.
tl::expected<NodeReport, std::string> parse_node_report(const std::vector<std::string_view>& steps);

/// Where the DaemonSet stands on a node, by its matched containers.
enum class Presence {
    running,   // at least one matched container is running
    contained, // pods matched, none of their containers running (paused, stopped or gone)
    absent,    // nothing matched
};

Presence presence_of(const NodeReport& report);
std::string_view to_string(Presence presence);

} // namespace breakglass::containment
