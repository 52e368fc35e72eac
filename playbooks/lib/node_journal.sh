# node_journal.sh: the node's own record of the breakglass runs that changed it, and the lock
# that makes two responders acting on one node take turns. POSIX sh plus flock(1) (util-linux);
# every mutating shipped playbook inlines it after daemonset_match.sh (bg_fail).
#
# Input, as shell variables (never spliced into code; the playbooks' signed patterns bound them
# first, and they are checked again here):
#   BG_RUN_ID      the run id of the responder's audit log (32 lowercase hex), or - or empty
#   BG_RESPONDER   USER@HOST of the responder, or - or empty
#   BG_ACTION      freeze, thaw, isolate, unisolate, stop, remove or release
#   BG_DAEMONSET   NAMESPACE/NAME, or empty (kubelet release names no DaemonSet)
#   BG_LOCK_WAIT   whole seconds to wait for the lock, 1 to 60
#
# bg_journal_locked FUNCTION ARGS...: takes an exclusive flock on /run/breakglass/lock (waiting
# at most BG_LOCK_WAIT seconds), runs FUNCTION ARGS... holding it, appends one line to
# /run/breakglass/journal, keeps its last BG_JOURNAL_KEEP lines, and returns FUNCTION's status.
# When the lock stays taken it prints `node_journal: node-busy: ...` on stderr and returns 11
# without acting or writing. The journal line (printable ASCII, fields separated by one space,
# containment/node_journal.hpp reads it):
#   v1 TIME run=RUN-ID by=USER@HOST action=ACTION outcome=ok|exit-N ds=NAMESPACE/NAME
# TIME is UTC (2026-12-06T19:04:09Z); an empty value is written `-`; ds comes last, so that a
# reader that cuts a long line (the drill's journal_last: 200 characters) loses only its end.
# Anyone root on the node can write this file: readers treat its lines as hostile.

BG_JOURNAL_DIR=/run/breakglass
BG_JOURNAL_KEEP=50

bg_journal_check() {
  case ${BG_RUN_ID:-} in
    "" | -) ;;
    *[!0123456789abcdef]*) bg_fail 2 "node_journal: bad run id" || return ;;
    *) [ ${#BG_RUN_ID} -eq 32 ] || bg_fail 2 "node_journal: bad run id" || return ;;
  esac
  case ${BG_RESPONDER:-} in
    *[!A-Za-z0-9_.@-]*) bg_fail 2 "node_journal: bad responder" || return ;;
  esac
  [ ${#BG_RESPONDER} -le 97 ] || bg_fail 2 "node_journal: bad responder" || return
  case $BG_ACTION in
    freeze | thaw | isolate | unisolate | stop | remove | release) ;;
    *) bg_fail 2 "node_journal: bad action" || return ;;
  esac
  case ${BG_DAEMONSET:-} in
    *[!a-z0-9./-]*) bg_fail 2 "node_journal: bad DaemonSet" || return ;;
  esac
  case ${BG_LOCK_WAIT:-} in
    "" | *[!0-9]* | 0*) bg_fail 2 "node_journal: bad lock wait" || return ;;
  esac
  [ "$BG_LOCK_WAIT" -le 60 ] || bg_fail 2 "node_journal: bad lock wait"
}

# bg_journal_append OUTCOME: the line, then the cap; under the lock (no other writer of ours).
# A subshell: the journal is created 0600 without changing the umask the action runs with.
bg_journal_append() (
  umask 077
  _bg_line="v1 $(date -u +%Y-%m-%dT%H:%M:%SZ) run=${BG_RUN_ID:--} by=${BG_RESPONDER:--}"
  _bg_line="$_bg_line action=$BG_ACTION outcome=$1 ds=${BG_DAEMONSET:--}"
  printf '%s\n' "$_bg_line" >>"$BG_JOURNAL_DIR/journal" || return
  _bg_lines=$(wc -l <"$BG_JOURNAL_DIR/journal") || return
  [ "$_bg_lines" -gt "$BG_JOURNAL_KEEP" ] || return 0
  tail -n "$BG_JOURNAL_KEEP" "$BG_JOURNAL_DIR/journal" >"$BG_JOURNAL_DIR/journal.new" &&
    mv -f "$BG_JOURNAL_DIR/journal.new" "$BG_JOURNAL_DIR/journal"
)

bg_journal_locked() {
  bg_journal_check || return
  bg_ds_executable flock || bg_fail 2 "node_journal: flock (util-linux) is not installed" ||
    return
  (umask 077 && mkdir -p "$BG_JOURNAL_DIR") ||
    bg_fail 2 "node_journal: cannot create $BG_JOURNAL_DIR" || return
  exec 9>>"$BG_JOURNAL_DIR/lock" || bg_fail 2 "node_journal: cannot open $BG_JOURNAL_DIR/lock" ||
    return
  if ! flock -x -w "$BG_LOCK_WAIT" 9; then
    exec 9>&-
    bg_fail 11 "node_journal: node-busy: another run holds $BG_JOURNAL_DIR/lock (waited ${BG_LOCK_WAIT}s); nothing was changed"
    return
  fi
  _bg_status=0
  "$@" || _bg_status=$?
  if [ "$_bg_status" -eq 0 ]; then _bg_outcome=ok; else _bg_outcome=exit-$_bg_status; fi
  # A journal that cannot be written does not undo the action: the node says so, and the
  # action's own status stands.
  bg_journal_append "$_bg_outcome" ||
    echo "note node journal $BG_JOURNAL_DIR/journal could not be written"
  exec 9>&-
  return "$_bg_status"
}

# bg_journal_show: the journal's last BG_JOURNAL_SHOW lines as `journal LINE` records
# (daemonset-status; read-only, without the lock). Only printable ASCII passes, each line cut at
# 600 characters: the file is anyone's to write, and the CLI parses these lines strictly again.
BG_JOURNAL_SHOW=5
bg_journal_show() {
  [ -f "$BG_JOURNAL_DIR/journal" ] || return 0
  tail -n "$BG_JOURNAL_SHOW" "$BG_JOURNAL_DIR/journal" 2>/dev/null |
    LC_ALL=C tr -cd '\040-\176\n' | cut -c1-600 | sed 's/^/journal /'
}
