#include "playbooks/shell_words.hpp"

#include <algorithm>
#include <array>

namespace breakglass::playbooks {

namespace {

// Variables sh, the login, sudo or the loader read: setting one would change how the script
// runs rather than what it gets.
// (LC_*, LD_*, SSH_*, SUDO_* and BASH_* are refused as prefixes below.)
constexpr std::array<std::string_view, 30> k_reserved = {
    "_",        "PATH",   "IFS",    "HOME",   "ENV",       "PS1",
    "PS2",      "PS3",    "PS4",    "SHELL",  "USER",      "LOGNAME",
    "PWD",      "OLDPWD", "CDPATH", "OPTIND", "OPTARG",    "LANG",
    "LANGUAGE", "TZ",     "TMPDIR", "TERM",   "MAIL",      "MAILPATH",
    "HISTFILE", "FCEDIT", "PPID",   "LINENO", "SHELLOPTS", "POSIXLY_CORRECT"};

bool identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool identifier_char(char c) {
    return identifier_start(c) || (c >= '0' && c <= '9');
}

} // namespace

std::string quote_word(std::string_view text) {
    // Inside single quotes nothing is special but the quote itself: close, escape it, reopen.
    std::string quoted(1, '\'');
    std::size_t start = 0;
    for (std::size_t quote = text.find('\''); quote != std::string_view::npos;
         quote = text.find('\'', start)) {
        quoted.append(text.substr(start, quote - start)).append("'\\''");
        start = quote + 1;
    }
    quoted.append(text.substr(start)).push_back('\'');
    return quoted;
}

bool is_parameter_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || !identifier_start(name.front()) ||
        !std::all_of(name.begin(), name.end(), identifier_char)) {
        return false;
    }
    if (name.starts_with("BREAKGLASS_") || name.starts_with("LD_") || name.starts_with("LC_") ||
        name.starts_with("SSH_") || name.starts_with("SUDO_") || name.starts_with("BASH")) {
        return false;
    }
    return std::find(k_reserved.begin(), k_reserved.end(), name) == k_reserved.end();
}

} // namespace breakglass::playbooks
