#pragma once

#include <string_view>

namespace breakglass::playbooks {

/// True for a POSIX shell variable name ([A-Za-z_][A-Za-z0-9_]*) that a playbook may define:
/// not a variable that sh, bash, dash, busybox ash, ksh or zsh, the login or the C library gives a
/// meaning (PATH, IFS, HOME, _, GLOBIGNORE, FPATH, TMOUT, EXECIGNORE, FUNCNEST, LC_*, LD_*, SSH_*,
/// SUDO_*, BASH*, ...), and not starting with "BREAKGLASS_" (reserved for ours).
bool is_parameter_name(std::string_view name);

} // namespace breakglass::playbooks
