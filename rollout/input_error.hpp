#pragma once

#include <string>

namespace breakglass::rollout {

/// Why a rollout text (`--waves`, `--canary`, `--max-failures`, `--seed`, or the same value from
/// a playbook, config file or environment) was refused. Responders act on the kind; the message
/// is one line that quotes the offending text (terminal-safe) and says what is accepted. It does
/// not say where the text came from: the caller prefixes that ("--waves: ...").
struct InputError {
    enum class Kind {
        empty,          // nothing given, or an empty element between commas
        syntax,         // not a plain decimal number (sign, space, junk, a missing or stray %)
        leading_zero,   // "05%": refused rather than guessed (octal? a typo for 5 or 50?)
        out_of_range,   // a number outside the accepted range
        not_increasing, // --waves: a percentage not above the one before it
        last_not_full,  // --waves: the last wave is not 100%
    };
    Kind kind = Kind::syntax;
    std::string message;
};

} // namespace breakglass::rollout
