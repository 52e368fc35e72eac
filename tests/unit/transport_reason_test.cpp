// The transport's reasons and their JSON spellings. The literal list below is the contract
// (man/breakglass.1, OUTPUT): a spelling changed here changes every consumer's JSON.
#include "transport/node_result.hpp"

#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

using breakglass::transport::Reason;
using breakglass::transport::to_string;

namespace {

const std::vector<std::pair<Reason, std::string_view>>& spelled_reasons() {
    static const std::vector<std::pair<Reason, std::string_view>> k_spellings{
        {Reason::none, ""},
        {Reason::exit_status, "exit-status"},
        {Reason::no_exit_status, "no-exit-status"},
        {Reason::become_denied, "become-denied"},
        {Reason::connect_failed, "connect-failed"},
        {Reason::connect_timeout, "connect-timeout"},
        {Reason::connection_lost, "connection-lost"},
        {Reason::jump_failed, "jump-failed"},
        {Reason::handshake_failed, "handshake-failed"},
        {Reason::handshake_timeout, "handshake-timeout"},
        {Reason::no_host_key, "no-host-key"},
        {Reason::hostkey_changed, "hostkey-changed"},
        {Reason::hostkey_unknown, "hostkey-unknown"},
        {Reason::hostkey_added, "hostkey-added"},
        {Reason::known_hosts_write, "known-hosts-write"},
        {Reason::known_hosts_error, "known-hosts-error"},
        {Reason::auth_failed, "auth-failed"},
        {Reason::auth_error, "auth-error"},
        {Reason::out_of_memory, "out-of-memory"},
        {Reason::channel_failed, "channel-failed"},
        {Reason::exec_failed, "exec-failed"},
        {Reason::read_failed, "read-failed"},
        {Reason::command_timeout, "command-timeout"},
        {Reason::deadline, "deadline"},
        {Reason::deadline_not_started, "deadline-not-started"},
        {Reason::interrupted, "interrupted"},
        {Reason::event_loop, "event-loop"},
        {Reason::failure_budget, "failure-budget"},
        {Reason::declined, "declined"},
        {Reason::audit_failed, "audit-failed"},
    };
    return k_spellings;
}

TEST(TransportReason, SpellingsAreTheJsonContract) {
    for (const auto& [reason, word] : spelled_reasons()) {
        EXPECT_EQ(to_string(reason), word) << static_cast<int>(reason);
    }
}

TEST(TransportReason, EveryReasonButNoneHasItsOwnNonEmptySpelling) {
    std::set<std::string_view> seen;
    for (const auto& [reason, word] : spelled_reasons()) {
        const std::string_view spelled = to_string(reason);
        if (reason == Reason::none) {
            EXPECT_TRUE(spelled.empty());
            continue;
        }
        EXPECT_FALSE(spelled.empty()) << static_cast<int>(reason);
        EXPECT_TRUE(seen.insert(spelled).second) << "spelled twice: " << spelled;
    }
}

// The list above names every enumerator: the values are 0..n-1, and n is not a reason. A new
// reason without a line above fails here.
TEST(TransportReason, TheListNamesEveryReason) {
    const std::size_t count = spelled_reasons().size();
    std::set<int> listed;
    for (const auto& [reason, word] : spelled_reasons()) {
        listed.insert(static_cast<int>(reason));
    }
    ASSERT_EQ(listed.size(), count);
    EXPECT_EQ(*listed.begin(), 0);
    EXPECT_EQ(*listed.rbegin(), static_cast<int>(count) - 1);
    EXPECT_EQ(to_string(static_cast<Reason>(count)), "");
}

} // namespace

// The texts of nodes a run never contacted, whoever skips them (the fan-out, or the rollout
// between stages): man/breakglass.1 quotes them, and runbooks grep for them.
TEST(TransportReason, NotStartedMessagesNameWhy) {
    using breakglass::transport::not_started_message;
    EXPECT_EQ(not_started_message(Reason::interrupted), "not started: interrupted");
    EXPECT_EQ(not_started_message(Reason::failure_budget), "not started: failure budget exceeded");
    EXPECT_EQ(not_started_message(Reason::declined), "not started: the responder declined");
    EXPECT_EQ(not_started_message(Reason::audit_failed),
              "not started: the audit log cannot be written");
    EXPECT_EQ(not_started_message(Reason::event_loop), "not started: event-loop");
}
