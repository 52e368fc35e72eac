# kubelet_hold.sh: keep the kubelet from restarting what a playbook stops, for a bounded time.
# POSIX sh; needs systemctl and daemonset_match.sh (inlined before it: KUBELET_UNIT, the unit
# that runs the kubelet, default kubelet; k3s-agent or rke2-agent on k3s/RKE2). Used by daemonset-stop/-remove (bg_kubelet_guard) and
# kubelet-release (bg_kubelet_release). Prints the records of daemonset_actions.sh:
#   change kubelet kubelet active held | change kubelet kubelet held active | unchanged ...
#
# A held kubelet (`systemctl stop kubelet; systemctl mask --runtime kubelet`) does not restart
# containers, but the node goes NotReady once the API server is back (its pods are evicted after
# the default 300 s toleration) and nothing handles memory or disk pressure. So a hold is opt-in
# and always ends on its own: the release is scheduled when the hold is taken, as a transient
# systemd timer where systemd runs (unit breakglass-kubelet-release; `systemctl list-timers`
# shows it), else as a detached process that outlives the SSH session (its PID is recorded).
# A reboot also ends it: --runtime masks live in /run.
#
# Record: /run/breakglass/kubelet-hold, lines key=value: held_at, until (epoch seconds),
# release (systemd-timer or process), pid, by, unit.
# Exit statuses: 6 the kubelet would restart what is stopped (no hold asked for), 9 the hold
# could not be taken or released.

BG_HOLD_DIR=/run/breakglass
BG_HOLD_RECORD=$BG_HOLD_DIR/kubelet-hold
BG_RELEASE_UNIT=breakglass-kubelet-release

bg_kubelet_active() { systemctl is-active --quiet "$_bg_unit"; }

# The release itself, for the timer or the detached process: no parameters are spliced in (the
# unit is its $1).
BG_RELEASE_SCRIPT='systemctl unmask --runtime "$1"; systemctl start "$1"; rm -f /run/breakglass/kubelet-hold'

# bg_kubelet_schedule_release SECONDS: sets _bg_release and _bg_release_pid, or returns 1 with
# systemd-run's complaint in _bg_release_error.
bg_kubelet_schedule_release() { # SECONDS
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
    # The lab's --init systemd nodes run this against a real systemd (252).
    systemctl stop "$BG_RELEASE_UNIT.timer" >/dev/null 2>&1 || :
    # A release whose service failed (the kubelet did not start) stays loaded as failed, and
    # systemd-run then refuses the name: clear it.
    systemctl reset-failed "$BG_RELEASE_UNIT.timer" "$BG_RELEASE_UNIT.service" >/dev/null 2>&1 || :
    _bg_release_error=$(systemd-run --quiet --unit "$BG_RELEASE_UNIT" --on-active="${1}s" \
      --timer-property=AccuracySec=1s /bin/sh -c "$BG_RELEASE_SCRIPT" breakglass-kubelet-release \
      "$_bg_unit" 2>&1 >/dev/null) || {
      _bg_release_error=$(printf '%s' "${_bg_release_error:-systemd-run failed}" | tr '\n' ' ')
      return 1
    }
    _bg_release=systemd-timer
    _bg_release_pid=0
  else
    # setsid without a fork (we are no group leader): $! is the sleeper's own PID. It must not
    # keep descriptor 9, the node lock (node_journal.sh), for the hold's hours.
    setsid /bin/sh -c 'sleep "$2"; '"$BG_RELEASE_SCRIPT" breakglass-kubelet-release "$_bg_unit" "$1" \
      </dev/null >/dev/null 2>&1 9>&- &
    _bg_release=process
    _bg_release_pid=$!
  fi
}

bg_kubelet_cancel_release() {
  [ -f "$BG_HOLD_RECORD" ] || return 0
  _bg_old_pid=$(sed -n 's/^pid=//p' "$BG_HOLD_RECORD")
  case $(sed -n 's/^release=//p' "$BG_HOLD_RECORD") in
    systemd-timer) systemctl stop "$BG_RELEASE_UNIT.timer" >/dev/null 2>&1 || : ;;
    process)
      if [ -n "$_bg_old_pid" ] && [ "$_bg_old_pid" -gt 0 ] &&
        grep -q breakglass-kubelet-release "/proc/$_bg_old_pid/cmdline" 2>/dev/null; then
        kill "$_bg_old_pid" 2>/dev/null || :
      fi ;;
  esac
}

# bg_kubelet_roll_back REASON: a hold that could not be completed is undone (never a kubelet
# left stopped with nothing to bring it back): unmasked, started again if it ran, any hold record
# dropped; then the failure (9) with REASON.
bg_kubelet_roll_back() {
  systemctl unmask --runtime "$_bg_unit" >/dev/null 2>&1 || :
  # Started again if it ran, or if an earlier hold (whose release was cancelled) kept it down.
  _bg_restart=$_bg_had_hold
  [ "$_bg_was" = active ] && _bg_restart=1
  [ "$_bg_restart" = 0 ] || systemctl start "$_bg_unit" >/dev/null 2>&1 || :
  rm -f "$BG_HOLD_RECORD"
  if [ "$_bg_restart" = 0 ]; then
    bg_fail 9 "$1; rolled back: $_bg_unit is unmasked (it was not running before)"
  elif bg_kubelet_active; then
    bg_fail 9 "$1; rolled back: $_bg_unit runs again"
  else
    bg_fail 9 "$1; rolling back failed too: $_bg_unit is not running"
  fi
}

# bg_kubelet_hold SECONDS: stop and mask the kubelet until now + SECONDS (a second hold moves
# the release to the new deadline).
bg_kubelet_hold() {
  bg_ds_kubelet_unit || return
  command -v systemctl >/dev/null 2>&1 || { bg_fail 9 "no systemctl: cannot hold the kubelet"; return; }
  mkdir -p "$BG_HOLD_DIR" || { bg_fail 9 "cannot create $BG_HOLD_DIR"; return; }
  _bg_was=held _bg_had_hold=0
  bg_kubelet_active && _bg_was=active
  [ ! -f "$BG_HOLD_RECORD" ] || _bg_had_hold=1
  systemctl stop "$_bg_unit" >/dev/null 2>&1 ||
    { bg_kubelet_roll_back "systemctl stop $_bg_unit failed"; return; }
  systemctl mask --runtime "$_bg_unit" >/dev/null 2>&1 ||
    { bg_kubelet_roll_back "systemctl mask --runtime $_bg_unit failed"; return; }
  bg_kubelet_cancel_release
  _bg_release_error=""
  bg_kubelet_schedule_release "$1" ||
    { bg_kubelet_roll_back "cannot schedule the automatic release (${_bg_release_error:-no detail})"; return; }
  _bg_now=$(date +%s)
  printf 'held_at=%s\nuntil=%s\nrelease=%s\npid=%s\nby=%s\nunit=%s\n' "$_bg_now" "$((_bg_now + $1))" \
    "$_bg_release" "$_bg_release_pid" "${SUDO_USER:-$(id -un)}" "$_bg_unit" >"$BG_HOLD_RECORD"
  if [ "$_bg_was" = active ]; then
    echo "change kubelet kubelet active held"
  else
    echo "unchanged kubelet kubelet held"
  fi
  echo "note kubelet held until $(date -u -d "@$((_bg_now + $1))" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo "+${1}s"), released automatically ($_bg_release); breakglass kubelet release ends it sooner"
}

# bg_kubelet_guard MODE SECONDS: before stopping containers. MODE is the playbook's `kubelet`
# parameter: refuse (default), hold, accept-restart.
bg_kubelet_guard() {
  bg_ds_kubelet_unit || return
  case $1 in
    hold) bg_kubelet_hold "$2" ;;
    accept-restart)
      if command -v systemctl >/dev/null 2>&1 && bg_kubelet_active; then
        echo "note the kubelet is running and will restart what is stopped (--accept-restart)"
      fi ;;
    refuse)
      command -v systemctl >/dev/null 2>&1 ||
        { bg_fail 6 "no systemctl: cannot tell whether a kubelet would restart the containers; give --accept-restart"; return; }
      if bg_kubelet_active; then
        echo "note the kubelet is running and would restart the containers: nothing was done"
        bg_fail 6 "the kubelet would restart them: give --hold-kubelet (time-boxed) or --accept-restart"
        return
      fi ;;
    *) bg_fail 2 "kubelet mode '$1' is not refuse, hold or accept-restart" ;;
  esac
}

# bg_kubelet_release: undo a hold (ours, or a runtime mask left behind).
bg_kubelet_release() {
  bg_ds_kubelet_unit || return
  command -v systemctl >/dev/null 2>&1 || { bg_fail 9 "no systemctl: cannot release the kubelet"; return; }
  if [ ! -f "$BG_HOLD_RECORD" ] && [ "$(systemctl is-enabled "$_bg_unit" 2>/dev/null)" != masked-runtime ]; then
    if bg_kubelet_active; then
      echo "unchanged kubelet kubelet active"
    else
      echo "unchanged kubelet kubelet inactive"
      echo "note the kubelet is not running and was not held by breakglass: left as it is"
    fi
    return 0
  fi
  bg_kubelet_cancel_release
  systemctl unmask --runtime "$_bg_unit" >/dev/null 2>&1 || { bg_fail 9 "systemctl unmask --runtime $_bg_unit failed"; return; }
  systemctl start "$_bg_unit" >/dev/null 2>&1 || { bg_fail 9 "systemctl start $_bg_unit failed"; return; }
  rm -f "$BG_HOLD_RECORD"
  echo "change kubelet kubelet held active"
}

# bg_kubelet_verify_released: remaining 1 while held.
bg_kubelet_verify_released() {
  bg_ds_kubelet_unit || return
  if [ -f "$BG_HOLD_RECORD" ] || ! bg_kubelet_active; then
    echo "remaining 1"
    bg_fail 8 "the kubelet is still held or not running"
    return
  fi
  echo "remaining 0"
}
