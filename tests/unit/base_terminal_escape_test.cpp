#include "base/terminal_escape.hpp"

#include <gtest/gtest.h>

using breakglass::base::escape_terminal_line;
using breakglass::base::escape_terminal_text;
using breakglass::base::incomplete_utf8_suffix;

namespace {

struct Case {
    const char* what;
    std::string input;
    std::string text; // escape_terminal_text
    std::string line; // escape_terminal_line
};

} // namespace

TEST(BaseTerminalEscape, Table) {
    const std::vector<Case> cases = {
        {"plain ASCII", "node0001: ok", "node0001: ok", "node0001: ok"},
        {"tab and newline stay in text", "a\tb\nc\n", "a\tb\nc\n", "a\tb\\nc\\n"},
        {"ESC", "\x1b", "\\x1b", "\\x1b"},
        {"CSI erase line", "\x1b[2Kfake", "\\x1b[2Kfake", "\\x1b[2Kfake"},
        {"OSC 52 clipboard", "\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07",
         "\\x1b]52;c;ZXZpbA==\\x07"},
        {"bare CR", "failed\rok", "failed\\rok", "failed\\rok"},
        {"CRLF is a line end", "one\r\ntwo\r\n", "one\ntwo\n", "one\\r\\ntwo\\r\\n"},
        {"CR CR LF keeps the first CR visible", "x\r\r\n", "x\\r\n", "x\\r\\r\\n"},
        {"CR at the very end", "x\r", "x\\r", "x\\r"},
        {"NUL and other C0", std::string("a\0b\x01\x08", 5), "a\\x00b\\x01\\x08",
         "a\\x00b\\x01\\x08"},
        {"DEL", "a\x7f", "a\\x7f", "a\\x7f"},
        {"two-byte UTF-8 stays", "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"},
        {"three-byte UTF-8 stays", "\xe2\x82\xac 5", "\xe2\x82\xac 5", "\xe2\x82\xac 5"},
        {"four-byte UTF-8 stays", "\xf0\x9f\x94\x91", "\xf0\x9f\x94\x91", "\xf0\x9f\x94\x91"},
        {"C1 NEL in UTF-8 form", "a\xc2\x85z", "a\\u0085z", "a\\u0085z"},
        {"C1 CSI in UTF-8 form",
         "\xc2\x9b"
         "2K",
         "\\u009b2K", "\\u009b2K"},
        {"U+00A0 is not C1", "\xc2\xa0", "\xc2\xa0", "\xc2\xa0"},
        {"raw C1 byte is invalid",
         "a\x9b"
         "2K",
         "a\\x9b2K", "a\\x9b2K"},
        {"invalid byte",
         "a\xff"
         "b",
         "a\\xffb", "a\\xffb"},
        {"lone continuation byte", "\x80", "\\x80", "\\x80"},
        {"overlong two-byte slash", "\xc0\xaf", "\\xc0\\xaf", "\\xc0\\xaf"},
        {"overlong ESC", "\xc0\x9b", "\\xc0\\x9b", "\\xc0\\x9b"},
        {"overlong three-byte", "\xe0\x80\xaf", "\\xe0\\x80\\xaf", "\\xe0\\x80\\xaf"},
        {"overlong four-byte", "\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf", "\\xf0\\x80\\x80\\xaf"},
        {"surrogate", "\xed\xa0\x80", "\\xed\\xa0\\x80", "\\xed\\xa0\\x80"},
        {"beyond U+10FFFF", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "\\xf4\\x90\\x80\\x80"},
        {"cut sequence at the end", "ok\xe2\x82", "ok\\xe2\\x82", "ok\\xe2\\x82"},
        {"cut sequence before ASCII",
         "\xe2\x82"
         "x",
         "\\xe2\\x82x", "\\xe2\\x82x"},
        {"bidi override",
         "a\xe2\x80\xae"
         "b",
         "a\\u202eb", "a\\u202eb"},
        {"bidi isolate", "\xe2\x81\xa6", "\\u2066", "\\u2066"},
        {"backslash is not doubled", "C:\\x1b", "C:\\x1b", "C:\\x1b"},
    };
    for (const Case& entry : cases) {
        EXPECT_EQ(escape_terminal_text(entry.input), entry.text) << entry.what;
        EXPECT_EQ(escape_terminal_line(entry.input), entry.line) << entry.what;
    }
}

TEST(BaseTerminalEscape, OutputIsAlreadySafe) {
    // Escaping twice changes nothing: the output holds only valid UTF-8 without controls (but
    // tab and newline) and without CRLF. Checked over every pair of bytes, and every pair
    // after a lead byte, so cut and overlong sequences of every kind are covered.
    for (int first = 0; first < 256; ++first) {
        for (int second = 0; second < 256; ++second) {
            for (const std::string& input :
                 {std::string{static_cast<char>(first), static_cast<char>(second)},
                  std::string{'\xe2', static_cast<char>(first), static_cast<char>(second)},
                  std::string{'\xf0', static_cast<char>(first), static_cast<char>(second)}}) {
                const std::string text = escape_terminal_text(input);
                ASSERT_EQ(escape_terminal_text(text), text) << first << " " << second;
                const std::string line = escape_terminal_line(input);
                ASSERT_EQ(line.find('\n'), std::string::npos);
                ASSERT_EQ(escape_terminal_line(line), line) << first << " " << second;
            }
        }
    }
}

TEST(BaseTerminalEscape, IncompleteUtf8Suffix) {
    EXPECT_EQ(incomplete_utf8_suffix(""), 0U);
    EXPECT_EQ(incomplete_utf8_suffix("ok"), 0U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xc3"), 1U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xc3\xa9"), 0U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xe2\x9c"), 2U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xe2\x9c\x93"), 0U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xf0\x9f\x94"), 3U);
    EXPECT_EQ(incomplete_utf8_suffix("ok\xf0\x9f\x94\x91"), 0U);
    EXPECT_EQ(incomplete_utf8_suffix("\x9c\x93"), 0U) << "no lead byte: nothing to wait for";
    EXPECT_EQ(incomplete_utf8_suffix("ok\xff"), 0U) << "never valid: nothing to wait for";
}
