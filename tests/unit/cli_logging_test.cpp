#include "cli/logging.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

// Log lines may quote what a node or a file said: the message reaches stderr escaped.
TEST(CliLogging, MessagesAreEscapedForTheTerminal) {
    char path[] = "/tmp/bg-log-XXXXXX";
    const int capture = ::mkstemp(path);
    ASSERT_GE(capture, 0);
    // Put the default logger back afterwards: libraries under test log through it.
    const auto previous = spdlog::default_logger();
    const int saved = ::dup(2);
    ::dup2(capture, 2);
    breakglass::cli::init_logging(0);
    spdlog::warn("node said {}", "\x1b]52;c;eA==\x07\rok\nsecond");
    spdlog::default_logger()->flush();
    ::dup2(saved, 2);
    ::close(saved);
    ::close(capture);
    spdlog::drop("breakglass");
    spdlog::set_default_logger(previous);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    ::unlink(path);
    EXPECT_EQ(text.str(), "breakglass: warning: node said \\x1b]52;c;eA==\\x07\\rok\\nsecond\n");
}
