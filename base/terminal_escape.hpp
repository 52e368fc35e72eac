#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace breakglass::base {

// Bytes breakglass did not write (node output, node names, playbook text, messages that quote
// them) reach a responder's terminal only through these functions, so that a compromised node
// cannot move the cursor, rewrite lines (`\r`, CSI), set the clipboard (OSC 52) or reorder text.
//
// The text is decoded as UTF-8. Valid characters pass unchanged, except controls:
//   C0 controls (but tab and, in text, newline) and DEL   ->  \xNN (\r for a carriage return)
//   C1 controls in UTF-8 form (U+0080..U+009F) and the
//   bidi embedding/override/isolate controls (U+202A..U+202E, U+2066..U+2069)  ->  \uNNNN
//   every byte not part of a valid, shortest-form UTF-8 sequence  ->  \xNN
// A backslash is not doubled: a node printing "\x1b" as text can only show those four
// characters, which is harmless.

/// Multi-line text (node output, playbook scripts): newline and tab stay, and a CRLF line
/// ending becomes a plain newline. Never fails.
std::string escape_terminal_text(std::string_view text);

/// One line (a message, a name, a summary line): as escape_terminal_text(), but a newline
/// (and the CR of a CRLF) is escaped too, so one line can never print as two.
std::string escape_terminal_line(std::string_view text);

/// How many bytes at the end of `text` begin a UTF-8 character that is not complete yet (0 to
/// 3). Output cut at an arbitrary byte keeps them for its next piece, so that a character split
/// by a read is shown as itself and not as invalid bytes.
std::size_t incomplete_utf8_suffix(std::string_view text);

} // namespace breakglass::base
