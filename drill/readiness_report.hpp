#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::drill {

/// The shipped playbook whose report this is (playbooks/shipped/drill-readiness.json).
inline constexpr std::string_view k_readiness_playbook = "drill-readiness";

// What the shipped drill-readiness playbook prints on a node (playbooks/lib/drill_readiness.sh),
// one record a line, each key exactly once, in any order, and `ready end` last:
//   ready runtime         ctr | crictl | none
//   ready runtime_socket  PATH | none         (the socket the runtime tool would use)
//   ready runtime_answers yes | no            (`ctr version` / `crictl version` over it)
//   ready read_via        api | api-fails | ctr | crictl | none   (optional: how the DaemonSet
//                                               playbooks would read containerd here; api-fails:
//                                               its API fails through curl, and they would too)
//   ready cgroup          v1 | v2 | hybrid
//   ready freezer         yes | no            (v2: cgroup.freeze; v1: a mounted freezer)
//   ready iptables        yes | no
//   ready nsenter         yes | no
//   ready systemd         yes | no            (systemd is PID 1: /run/systemd/system exists)
//   ready kubelet_unit    NAME known | NAME unknown | NAME unchecked (no systemd)
//   ready kubelet_hold    none | active | stale (a record past its release time, or a runtime
//                                               mask without a record)
//   ready journal_last    none | TEXT...      (the node journal's last line, printable ASCII
//                                               only, cut)
//   ready end
// Strict, unlike the DaemonSet report: any other line, a repeated or missing key (read_via may
// be missing: playbooks before version 2 do not print it), a value outside its list or a
// missing `ready end` (a cut report) makes the whole report unreadable, and an unreadable
// report is never ready.

struct ReadinessReport {
    std::string runtime; // ctr, crictl, none
    std::string runtime_socket;
    bool runtime_answers = false;
    std::string read_via; // api, api-fails, ctr, crictl, none; "" when not reported
    std::string cgroup;   // v1, v2, hybrid
    bool freezer = false;
    bool iptables = false;
    bool nsenter = false;
    bool systemd = false;
    std::string kubelet_unit;
    std::string kubelet_unit_state; // known, unknown, unchecked
    std::string kubelet_hold;       // none, active, stale
    std::string journal_last;       // "none" when the node has no journal
};

/// Parses one node's report; the error is one line naming the line at fault (a key it quotes
/// is cut to 40 bytes and escaped for the terminal: it is the node's text).
tl::expected<ReadinessReport, std::string> parse_readiness_report(std::string_view text);

/// Why the containment path would fail on this node, one short phrase each ("no container
/// runtime (neither ctr nor crictl)", "runtime socket PATH does not answer", ...); empty when
/// the node is ready. A kubelet unit systemd does not know is a problem; without systemd it is
/// not checked (the playbooks' kubelet rule then needs --accept-restart anyway).
std::vector<std::string> readiness_problems(const ReadinessReport& report);

} // namespace breakglass::drill
