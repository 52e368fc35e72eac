#include "audit/end_reason.hpp"

#include <gtest/gtest.h>

namespace breakglass::audit {
namespace {

TEST(AuditEndReason, SpellingsAreTheDocumentedWords) {
    EXPECT_EQ(to_string(EndReason::completed), "completed");
    EXPECT_EQ(to_string(EndReason::budget), "budget");
    EXPECT_EQ(to_string(EndReason::interrupted), "interrupted");
    EXPECT_EQ(to_string(EndReason::deadline), "deadline");
    EXPECT_EQ(to_string(EndReason::refused), "refused");
    EXPECT_EQ(to_string(EndReason::audit_failed), "audit-failed");
}

TEST(AuditEndReason, TheFirstThatAppliesWins) {
    EXPECT_EQ(end_reason_of(false, false, false, false), EndReason::completed);
    EXPECT_EQ(end_reason_of(false, false, false, true), EndReason::deadline);
    EXPECT_EQ(end_reason_of(false, false, true, true), EndReason::refused);
    EXPECT_EQ(end_reason_of(false, true, true, true), EndReason::budget);
    EXPECT_EQ(end_reason_of(true, true, true, true), EndReason::interrupted);
}

} // namespace
} // namespace breakglass::audit
