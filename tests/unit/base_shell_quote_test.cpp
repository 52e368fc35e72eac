#include "base/shell_quote.hpp"

#include <string>

#include <gtest/gtest.h>

using breakglass::base::shell_quote;

TEST(BaseShellQuote, EmptyTextIsAnEmptyWord) {
    EXPECT_EQ(shell_quote(""), "''");
}

TEST(BaseShellQuote, SingleQuotesCloseEscapeAndReopen) {
    EXPECT_EQ(shell_quote("'"), "''\\'''");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("''"), "''\\'''\\'''");
    EXPECT_EQ(shell_quote("echo 'x'"), "'echo '\\''x'\\'''");
}

TEST(BaseShellQuote, EverythingElseStaysLiteralInsideQuotes) {
    EXPECT_EQ(shell_quote("id -u"), "'id -u'");
    EXPECT_EQ(shell_quote("$(reboot) `id` $HOME \\ \" ; * ?"),
              "'$(reboot) `id` $HOME \\ \" ; * ?'");
    EXPECT_EQ(shell_quote("a\nb\tc"), "'a\nb\tc'");
}
