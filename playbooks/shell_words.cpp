#include "playbooks/shell_words.hpp"

#include <algorithm>
#include <array>

namespace breakglass::playbooks {

namespace {

// Variables that sh (dash, bash, busybox ash, ksh, zsh as sh), the login, sudo, the loader or
// the C library read: setting one would change how the script runs rather than what it gets
// (FPATH: ksh autoloads a missing command from a file there; EXECIGNORE, GLOBIGNORE, FUNCNEST and
// TMOUT change what bash runs, matches, allows or waits for). zsh's lowercase path, fpath, ...
// do not exist when zsh runs as sh.
// Assigning a name that the node's environment exports also changes it for every program the
// script starts. (LC_*, LD_*, SSH_*, SUDO_*, BASH*, COMP_*, READLINE_*, MALLOC_* and KSH_* are
// refused as prefixes below.)
constexpr auto k_reserved = std::to_array<std::string_view>(
    {// POSIX sh and the login
     "_", "PATH", "IFS", "HOME", "ENV", "PS1", "PS2", "PS3", "PS4", "SHELL", "USER", "LOGNAME",
     "PWD", "OLDPWD", "CDPATH", "OPTIND", "OPTARG", "OPTERR", "LANG", "LANGUAGE", "NLSPATH", "TZ",
     "TMPDIR", "TERM", "MAIL", "MAILPATH", "MAILCHECK", "PPID", "LINENO", "LINES", "COLUMNS",
     "FCEDIT", "HISTFILE", "HISTSIZE", "POSIXLY_CORRECT", "REPLY",
     // bash, busybox ash, ksh/mksh and zsh in sh mode
     "GLOBIGNORE", "GLOBSORT", "FIGNORE", "EXECIGNORE", "FUNCNEST", "FUNCNAME", "TMOUT",
     "TIMEFORMAT", "SHELLOPTS", "SHLVL", "HISTFILESIZE", "HISTCONTROL", "HISTIGNORE",
     "HISTTIMEFORMAT", "HISTCMD", "HOSTFILE", "INPUTRC", "IGNOREEOF", "PROMPT_COMMAND",
     "PROMPT_DIRTRIM", "PS0", "CHILD_MAX", "COPROC", "DIRSTACK", "GROUPS", "PIPESTATUS", "MAPFILE",
     "RANDOM", "SRANDOM", "SECONDS", "EPOCHSECONDS", "EPOCHREALTIME", "UID", "EUID", "HOSTNAME",
     "HOSTTYPE", "MACHTYPE", "OSTYPE", "EMACS", "INSIDE_EMACS", "FPATH", "ZDOTDIR", "KEYTIMEOUT",
     "NULLCMD", "READNULLCMD", "EDITOR", "VISUAL", "auto_resume", "histchars",
     // the C library and the programs the shipped playbooks run
     "GCONV_PATH", "GLIBC_TUNABLES", "LOCPATH", "TZDIR", "HOSTALIASES", "LOCALDOMAIN",
     "RES_OPTIONS", "TERMINFO", "TERMCAP", "XTABLES_LIBDIR", "IPTABLES_LIB_DIR",
     "IP6TABLES_LIB_DIR"});

constexpr auto k_reserved_prefixes =
    std::to_array<std::string_view>({"BREAKGLASS_", "LD_", "LC_", "SSH_", "SUDO_", "BASH", "COMP_",
                                     "READLINE_", "MALLOC_", "KSH_"});

bool identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool identifier_char(char c) {
    return identifier_start(c) || (c >= '0' && c <= '9');
}

} // namespace

bool is_parameter_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || !identifier_start(name.front()) ||
        !std::all_of(name.begin(), name.end(), identifier_char)) {
        return false;
    }
    if (std::any_of(k_reserved_prefixes.begin(), k_reserved_prefixes.end(),
                    [&](std::string_view prefix) { return name.starts_with(prefix); })) {
        return false;
    }
    return std::find(k_reserved.begin(), k_reserved.end(), name) == k_reserved.end();
}

} // namespace breakglass::playbooks
