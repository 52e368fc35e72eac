#pragma once

#include <string_view>

namespace breakglass::base {

// The one wildcard dialect of breakglass: node sets (-w/-x), known_hosts host patterns and
// allowed_signers principals/namespaces all use OpenSSH's, which is also what a shell user
// expects of `gpu-*`. Only two characters are special:
//   `*`  any run of characters, including none
//   `?`  exactly one character (one byte: names are compared byte for byte)
// There are no character classes and no escapes: `[`, `]` and `\` match themselves (node sets
// expand `[1-3]` ranges before any glob is matched, and OpenSSH has no classes either).
// Matching is case-sensitive and runs in O(pattern x text) at worst, never exponentially, since
// patterns come from files an attacker may have written.

/// True when `pattern` matches the whole of `text`.
bool glob_match(std::string_view pattern, std::string_view text);

enum class ListMatch { none, positive, negated };

/// OpenSSH's pattern lists ("*.corp,!bad.corp"): comma-separated globs where `!glob` negates.
/// A negated match wins over any positive one; otherwise positive if any glob matches.
ListMatch glob_match_list(std::string_view list, std::string_view text);

} // namespace breakglass::base
