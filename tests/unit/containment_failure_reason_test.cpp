// Containment's failure reasons: the shipped playbooks' exit statuses and bad-report. The
// literal list below is the contract (man/breakglass.1, EXIT STATUS of the playbooks, OUTPUT).
#include "containment/failure_reason.hpp"

#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

using namespace breakglass::containment;

namespace {

struct Spelled {
    FailureReason reason;
    std::string_view word;
    int exit_code; // the playbook exit status that means it; 0 when none does
};

const std::vector<Spelled>& spelled_reasons() {
    static const std::vector<Spelled> k_spellings{
        {FailureReason::bad_input, "bad-input", 2},
        {FailureReason::no_runtime, "no-runtime", 3},
        {FailureReason::runtime_not_running, "runtime-not-running", 4},
        {FailureReason::runtime_error, "runtime-error", 5},
        {FailureReason::kubelet_would_restart, "kubelet-would-restart", 6},
        {FailureReason::host_network, "host-network", 7},
        {FailureReason::still_active, "still-active", 8},
        {FailureReason::kubelet_hold_failed, "kubelet-hold-failed", 9},
        {FailureReason::rules_unreadable, "rules-unreadable", 10},
        {FailureReason::node_busy, "node-busy", 11},
        {FailureReason::exit_status, "exit-status", 0},
        {FailureReason::bad_report, "bad-report", 0},
    };
    return k_spellings;
}

TEST(ContainmentFailureReason, SpellingsAreTheJsonContract) {
    for (const Spelled& spelled : spelled_reasons()) {
        EXPECT_EQ(to_string(spelled.reason), spelled.word);
    }
}

TEST(ContainmentFailureReason, EveryReasonHasItsOwnNonEmptySpelling) {
    std::set<std::string_view> seen;
    std::set<int> values;
    for (const Spelled& spelled : spelled_reasons()) {
        EXPECT_FALSE(to_string(spelled.reason).empty()) << spelled.word;
        EXPECT_TRUE(seen.insert(to_string(spelled.reason)).second) << spelled.word;
        values.insert(static_cast<int>(spelled.reason));
    }
    // The list names every enumerator (0..n-1); n is not a reason.
    ASSERT_EQ(values.size(), spelled_reasons().size());
    EXPECT_EQ(*values.rbegin(), static_cast<int>(spelled_reasons().size()) - 1);
    EXPECT_EQ(to_string(static_cast<FailureReason>(spelled_reasons().size())), "");
}

TEST(ContainmentFailureReason, ExitStatusesMapToTheirReasons) {
    for (const Spelled& spelled : spelled_reasons()) {
        if (spelled.exit_code != 0) {
            EXPECT_EQ(failure_reason(spelled.exit_code), spelled.reason) << spelled.exit_code;
        }
    }
}

// A node chooses its exit status: any status the playbooks do not define is plain exit-status,
// never a guess, and never bad-report (that is for output containment cannot read).
TEST(ContainmentFailureReason, UnknownExitStatusesArePlainExitStatus) {
    for (int code : {-1, 0, 1, 12, 42, 126, 127, 128, 255, 256, 1 << 30}) {
        EXPECT_EQ(failure_reason(code), FailureReason::exit_status) << code;
    }
}

} // namespace
