# daemonset_actions.sh: what the containment playbooks do to the containers bg_ds_match finds.
# Needs daemonset_match.sh and daemonset_crictl.sh (the playbooks inline all three). POSIX sh.
# With ctr, pause/resume are `ctr tasks pause/resume` and stop signals the tasks itself; with
# crictl (ctr missing), they write the cgroup freezer and stop/remove go through CRI
# (daemonset_crictl.sh). The records are the same either way.
#
# Every action prints one record a line (containment/node_report.hpp reads them): the snapshot
# it started from (`matched N` and bg_ds_match's lines), then
#   change    container|sandbox ID FROM TO    something was moved from FROM to TO
#   unchanged container|sandbox ID STATE      already where the action puts it: nothing to do
#   note      TEXT                            one line for the responder
# and returns 0, or prints one line on stderr and returns the playbook exit status of its
# failure (see failure_reason in containment/actions.cpp):
#   2 bad input, 3 neither ctr nor crictl, 4 no runtime socket, 5 ctr/crictl failed (or the
#   cgroup freezer could not be written), 8 still active after the action (verify).
#
# Why each action survives (or not) the kubelet, which restarts what it thinks should run:
# pause/resume use the cgroup freezer, which the kubelet does not look at (a frozen container is
# running to it, so a liveness probe fails after its timeout); stop and remove end tasks the
# kubelet then recreates, unless the kubelet is held (kubelet_hold.sh).

# bg_ds_snapshot: bg_ds_match's lines into $_bg_snapshot, or return its failure; prints them
# after a `matched N` line (N sandboxes), which starts a snapshot even when nothing matched. The
# runtime check runs here too, not only in the command substitution's subshell: the actions
# below call ctr or crictl through the variables it sets.
bg_ds_snapshot() {
  bg_ds_check_runtime || return
  _bg_snapshot=$(bg_ds_match) || return
  # Counted by the shell: every program started costs the node (see daemonset_match.sh).
  _bg_count=0
  while read -r _bg_kind _bg_rest; do
    [ "$_bg_kind" != sandbox ] || _bg_count=$((_bg_count + 1))
  done <<BG_DS_COUNT
$_bg_snapshot
BG_DS_COUNT
  echo "matched $_bg_count"
  [ -z "$_bg_snapshot" ] || printf '%s\n' "$_bg_snapshot"
}

# bg_ds_each FUNCTION: calls FUNCTION KIND ID STATE PID for every line of $_bg_snapshot
# (KIND is sandbox or container), stopping at the first failure.
bg_ds_each() {
  while read -r _bg_kind _bg_uid _bg_name _bg_id _bg_state _bg_pid; do
    [ -n "${_bg_id:-}" ] || continue
    "$1" "$_bg_kind" "$_bg_id" "$_bg_state" "$_bg_pid" || return
  done <<BG_DS_EACH
$_bg_snapshot
BG_DS_EACH
}

# bg_ds_ctr_gone ARGS...: ctr, where "not found" counts as done: the kubelet (when not held)
# may delete what we are about to, and the end state is the same.
bg_ds_ctr_gone() {
  _bg_out=$("$_bg_ctr" --address "$_bg_socket" -n k8s.io "$@" 2>&1) && return 0
  case $_bg_out in
    *"not found"* | *"already finished"*) return 0 ;;
  esac
  bg_fail 5 "ctr $1 $2 failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"
}

# bg_ds_set_frozen ID PID paused|running: ctr's pause/resume, or the cgroup freezer with crictl.
bg_ds_set_frozen() {
  if [ "$_bg_runtime" = crictl ]; then
    bg_ds_freezer_set "$2" "$3"
  elif [ "$3" = paused ]; then
    bg_ds_ctr tasks pause "$1" >/dev/null
  else
    bg_ds_ctr tasks resume "$1" >/dev/null
  fi
}

# Pause: only containers; the sandbox's pause process does no work and holds the pod's network.
bg_ds_pause_one() {
  [ "$1" = container ] || return 0
  case $3 in
    running)
      bg_ds_set_frozen "$2" "$4" paused || return
      echo "change container $2 running paused" ;;
    paused | pausing) echo "unchanged container $2 paused" ;;
    *) echo "unchanged container $2 $3" ;;
  esac
}

bg_ds_resume_one() {
  [ "$1" = container ] || return 0
  case $3 in
    paused | pausing)
      bg_ds_set_frozen "$2" "$4" running || return
      echo "change container $2 paused running" ;;
    *) echo "unchanged container $2 $3" ;;
  esac
}

# Stop: SIGTERM every live task (containers first, sandboxes last, as CRI's StopPodSandbox), a
# frozen one thawed so that it can take the signal; then wait up to $grace_seconds; SIGKILL what
# is left; delete the exited tasks (CRI keeps the container, not its task).
bg_ds_term_one() {
  case $3 in
    running | paused | pausing | created) ;;
    *) return 0 ;;
  esac
  case $3 in
    paused | pausing) bg_ds_ctr tasks resume "$2" >/dev/null || return ;;
  esac
  bg_ds_ctr_gone tasks kill -s SIGTERM "$2" || return
  _bg_signalled="$_bg_signalled $2:$1:$3"
}

bg_ds_live_ids() { # the IDs among $_bg_signalled whose task is still RUNNING/PAUSED/...
  _bg_tasks=$(bg_ds_ctr tasks ls) || return
  _bg_live=""
  for _bg_entry in $_bg_signalled; do
    case $(bg_ds_task_state "${_bg_entry%%:*}") in
      stopped*) ;;
      *) _bg_live="$_bg_live ${_bg_entry%%:*}" ;;
    esac
  done
}

bg_ds_stop_all() { # GRACE_SECONDS
  if [ "$_bg_runtime" = crictl ]; then
    bg_ds_crictl_stop_all "$1"
    return
  fi
  _bg_signalled=""
  # Containers before sandboxes: two passes over the snapshot.
  bg_ds_each bg_ds_term_containers || return
  bg_ds_each bg_ds_term_sandboxes || return
  _bg_waited=0
  while :; do
    bg_ds_live_ids || return
    [ -n "$_bg_live" ] && [ "$_bg_waited" -lt "$(($1 * 10))" ] || break
    sleep 0.1
    _bg_waited=$((_bg_waited + 1))
  done
  for _bg_id in $_bg_live; do
    bg_ds_ctr tasks kill -s SIGKILL "$_bg_id" >/dev/null 2>&1 || :
    echo "note SIGKILL to $(printf '%.12s' "$_bg_id") after ${1}s grace"
  done
  for _bg_entry in $_bg_signalled; do
    _bg_id=${_bg_entry%%:*}
    _bg_rest=${_bg_entry#*:}
    # Wait (bounded) for the killed task to be reaped, then drop it.
    _bg_i=0
    while [ $_bg_i -lt 50 ] && ! bg_ds_ctr_gone tasks delete "$_bg_id" 2>/dev/null; do
      sleep 0.1
      _bg_i=$((_bg_i + 1))
    done
    [ $_bg_i -lt 50 ] || { bg_fail 5 "task $_bg_id did not end after SIGKILL"; return; }
    echo "change ${_bg_rest%%:*} $_bg_id ${_bg_rest#*:} stopped"
  done
}

bg_ds_term_containers() { [ "$1" = container ] || return 0; bg_ds_term_one "$@"; }
bg_ds_term_sandboxes() { [ "$1" = sandbox ] || return 0; bg_ds_term_one "$@"; }

bg_ds_unchanged_stopped() { echo "unchanged $1 $2 stopped"; }

# Remove: after stop, delete containers, then sandboxes (CRI: RemoveContainer, RemovePodSandbox).
bg_ds_delete_containers() { [ "$1" = container ] || return 0; bg_ds_delete_one "$@"; }
bg_ds_delete_sandboxes() { [ "$1" = sandbox ] || return 0; bg_ds_delete_one "$@"; }
bg_ds_delete_one() {
  if [ "$_bg_runtime" != crictl ]; then
    bg_ds_ctr_gone containers delete "$2" || return
  elif [ "$1" = container ]; then
    bg_ds_crictl_gone rm "$2" || return
  else
    bg_ds_crictl_gone rmp "$2" || return
  fi
  echo "change $1 $2 stopped removed"
}

# bg_ds_verify WHAT: prints the snapshot and `remaining N`, N counting what the action should
# have ended; returns 8 when N > 0. WHAT: running (freeze), paused (thaw), live (stop), any
# (remove).
bg_ds_verify() {
  bg_ds_snapshot || return
  _bg_remaining=0
  while read -r _bg_kind _bg_uid _bg_name _bg_id _bg_state _bg_rest; do
    [ -n "$_bg_id" ] || continue
    case $1:$_bg_kind:$_bg_state in
      running:container:running | running:container:pausing | paused:container:paused | \
        paused:container:pausing | live:*:running | live:*:paused | live:*:pausing | \
        live:*:created | any:*) _bg_remaining=$((_bg_remaining + 1)) ;;
    esac
  done <<BG_DS_REMAINING
$_bg_snapshot
BG_DS_REMAINING
  echo "remaining $_bg_remaining"
  [ "$_bg_remaining" -eq 0 ] || bg_fail 8 "$_bg_remaining matched $( [ "$1" = any ] && echo objects || echo tasks) still $1 after the action"
}

# bg_ds_seconds VALUE NAME: 2 unless VALUE is 0 or up to 6 digits without a leading zero. Checked
# before anything changes: sh arithmetic reads 08 as a bad octal number and would abort the
# script between SIGTERM and SIGKILL.
bg_ds_seconds() {
  case $1 in
    "" | *[!0-9]* | 0?*) bg_fail 2 "$2 '$1' is not a number of seconds without leading zeros"; return ;;
  esac
  [ "${#1}" -le 6 ] || bg_fail 2 "$2 '$1' is more than 6 digits"
}

# The whole of daemonset-stop: KUBELET-MODE HOLD-SECONDS GRACE-SECONDS (needs kubelet_hold.sh).
# The kubelet is only held when there is something to stop.
bg_ds_stop() {
  bg_ds_seconds "$2" hold_seconds && bg_ds_seconds "$3" grace_seconds || return
  bg_ds_snapshot || return
  if printf '%s\n' "$_bg_snapshot" | awk '$5 == "running" || $5 == "paused" || $5 == "pausing" || $5 == "created" { live = 1 } END { exit !live }'; then
    bg_kubelet_guard "$1" "$2" || return
    bg_ds_stop_all "$3"
  else
    bg_ds_each bg_ds_unchanged_stopped
  fi
}

# The whole of daemonset-remove: stop, then delete containers and sandboxes.
bg_ds_remove() {
  bg_ds_seconds "$2" hold_seconds && bg_ds_seconds "$3" grace_seconds || return
  bg_ds_snapshot || return
  [ -n "$_bg_snapshot" ] || return 0
  bg_kubelet_guard "$1" "$2" || return
  bg_ds_stop_all "$3" || return
  bg_ds_each bg_ds_delete_containers || return
  bg_ds_each bg_ds_delete_sandboxes
}
