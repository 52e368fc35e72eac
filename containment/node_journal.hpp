#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::containment {

// The node journal (/run/breakglass/journal, playbooks/lib/node_journal.sh writes it): one line
// per mutating run of a shipped playbook on the node, fields separated by one space:
//   v1 TIME run=RUN-ID by=USER@HOST action=ACTION outcome=OUTCOME ds=NAMESPACE/NAME
// TIME is UTC to the second (2026-12-06T19:04:09Z); RUN-ID the audit log's run id (32 lowercase
// hex); USER@HOST the responder; ACTION freeze, thaw, isolate, unisolate, stop, remove or
// release; OUTCOME ok or exit-N (the action's exit status, 1 to 255); a value not known is `-`
// (a run without a run id, kubelet release's DaemonSet). Anyone root on the node can write the
// file: a line is read only when every field has exactly this shape.

/// Longest journal line read (longer ones are refused, never cut).
inline constexpr std::size_t k_max_journal_line = 600;

/// The responder and run-id parameters' shapes (the shipped playbooks' patterns say the same).
inline constexpr std::size_t k_max_responder_user = 32;
inline constexpr std::size_t k_max_responder_host = 64;

struct JournalEntry {
    std::string time;      // RFC 3339 UTC, seconds
    std::string run_id;    // 32 hex, or "-"
    std::string responder; // USER@HOST, or "-"
    std::string action;
    std::string outcome;   // ok, exit-N
    std::string daemonset; // NAMESPACE/NAME, or "-"
};

/// Parses one journal line (without its newline); the error says which field is wrong.
tl::expected<JournalEntry, std::string> parse_journal_line(std::string_view line);

/// True when `id` is a run id as the journal and the playbooks' patterns take it: 32 lowercase
/// hex characters.
bool is_journal_run_id(std::string_view id);

/// The responder parameter for the local USER and HOST: each cut to its length limit with every
/// character outside its set (user: letters, digits, `_.-`, not starting with `.` or `-`; host:
/// letters, digits, `.-`, starting with a letter or digit) replaced by `_` (user) or `-` (host).
/// "-" when either is empty. What it returns always matches the playbooks' pattern.
std::string journal_responder(std::string_view user, std::string_view host);

} // namespace breakglass::containment
