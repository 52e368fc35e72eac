#pragma once

#include "rollout/limits_text.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace breakglass::rollout {

/// A finished node as the budget sees it. The caller maps each node's result into it:
///   transport status ok, and for DaemonSet actions the outcomes "contained", "already
///     contained", "nothing to do" (with or without caveats such as isolation-not-guaranteed;
///     a caveat is never a failure)                                          -> succeeded
///   status failed (non-zero exit, become-denied, no-exit-status), or status ok with the
///     containment outcome failed (still-active, bad-report, runtime-error, ...) -> failed
///   status timeout (command-timeout, handshake-timeout, deadline)           -> timeout
///   status unreachable (connect-failed, connect-timeout, jump-failed)       -> unreachable
///   auth-failed, hostkey-unknown, hostkey-changed                           -> the same names
///   status error, except reason interrupted                                 -> error
///   error/interrupted (a second signal cancelled it) and timeout/deadline-not-started (the
///     run's deadline passed before it started): the run stopped it, not the node -> cancelled
enum class Outcome {
    succeeded,
    failed,
    timeout,
    unreachable,
    auth_failed,
    hostkey_unknown,
    hostkey_changed,
    error,
    cancelled,
};
inline constexpr std::size_t k_outcome_count = 9;

/// The status word for messages: "ok", "failed", "timeout", "unreachable", "auth-failed",
/// "hostkey-unknown", "hostkey-changed", "error", "cancelled".
std::string_view to_string(Outcome outcome);

/// Which stage a result belongs to.
enum class Stage { canary, wave };

/// How many failures `limit` tolerates over a run of `selected` nodes. A percentage rounds
/// down: P% allows floor(P * selected / 100) failures, so the run stops as soon as the failed
/// share of the selected nodes is above P% (10% of 7 nodes allows none: one failure is 14%).
std::uint64_t allowed_failures(const FailureLimit& limit, std::size_t selected);

/// The failure budget of one run, fed results as they arrive (whichever wave they belong to:
/// the count is over the whole run, never per wave, and a wave in which every node fails is
/// judged by the same count, nothing more). The budget is crossed when
///   - a canary node fails (a canary that tolerates a failure is no canary; `--canary 0` has
///     none), or
///   - the failures so far are more than allowed_failures(limit, selected).
/// Failures are every outcome but succeeded and cancelled; unreachable is left out when
/// `ignore_unreachable` (only that status: a timeout may have left a command half done, and
/// auth or host key failures are worth stopping for).
/// Once crossed, no node may start; nodes in flight finish within their own timeouts and their
/// results are the overshoot, at most the sessions in flight when it was crossed.
class FailureBudget {
public:
    FailureBudget(FailureLimit limit, std::size_t selected, bool ignore_unreachable);

    /// Whether a new node may start (false once crossed).
    bool may_start() const { return !crossed(); }

    /// A node starts. Returns false, and counts nothing, when may_start() is false.
    bool start();

    /// A started node finished. Returns false, and counts nothing, when no node is in flight
    /// (a result without a start is the caller's bug).
    bool record(Outcome outcome, Stage stage);

    bool crossed() const { return m_crossed_by_canary || m_failures > m_allowed; }
    bool crossed_by_canary() const { return m_crossed_by_canary; }

    std::uint64_t allowed() const { return m_allowed; }
    std::uint64_t failures() const { return m_failures; }
    std::size_t count(Outcome outcome) const { return m_counts[static_cast<std::size_t>(outcome)]; }
    std::size_t in_flight() const { return m_in_flight; }
    std::size_t started() const { return m_started; }
    /// Nodes never started: `skipped` once the run stops.
    std::size_t not_started() const { return m_selected - m_started; }
    /// Nodes in flight at the moment the budget was crossed (the bound on the overshoot).
    std::size_t in_flight_when_crossed() const { return m_in_flight_when_crossed; }
    /// Results that arrived after the budget was crossed.
    std::size_t overshoot() const { return m_overshoot; }
    /// Failures among the overshoot.
    std::uint64_t overshoot_failures() const { return m_overshoot_failures; }
    /// Unreachable results counted as failures (0 when ignore_unreachable).
    std::size_t unreachable_counted() const;

    const FailureLimit& limit() const { return m_limit; }
    std::size_t selected() const { return m_selected; }
    bool ignores_unreachable() const { return m_ignore_unreachable; }

private:
    bool counts_as_failure(Outcome outcome) const;

    FailureLimit m_limit;
    std::size_t m_selected;
    bool m_ignore_unreachable;
    std::uint64_t m_allowed;
    std::array<std::size_t, k_outcome_count> m_counts{};
    std::uint64_t m_failures = 0;
    std::size_t m_started = 0;
    std::size_t m_in_flight = 0;
    bool m_crossed_by_canary = false;
    std::size_t m_in_flight_when_crossed = 0;
    std::size_t m_overshoot = 0;
    std::uint64_t m_overshoot_failures = 0;
};

/// The one-line message of a run the budget stopped (exit 6), e.g.
/// "failure budget exceeded: 3 failed nodes, at most 1 allowed (10% of 17 nodes): 2 failed,
/// 1 unreachable; 2 results arrived from nodes in flight after it was crossed (at most 4 were
/// in flight); 9 nodes skipped; unreachable nodes count unless --ignore-unreachable".
std::string budget_message(const FailureBudget& budget);

} // namespace breakglass::rollout
