# drill_readiness.sh: is the containment path ready on THIS node? The drill's only node-side
# check (shipped playbook drill-readiness). Read-only and cheap: at most two runtime calls (`ctr
# version` or `crictl version`, and containerd's Version/Version through curl where the
# DaemonSet playbooks would read through its API), two systemctl calls where systemd runs, no
# loops over pods.
# POSIX sh; inlined after daemonset_match.sh (bg_ds_executable, bg_ds_find_socket,
# bg_ds_kubelet_unit: the same socket and unit rules as the DaemonSet playbooks) and
# kubelet_hold.sh (BG_HOLD_RECORD).
#
# Input, as shell variables: RUNTIME_SOCKET (empty: /run/containerd/containerd.sock, else
# /run/k3s/containerd/containerd.sock), KUBELET_UNIT (default kubelet), CTR/CRICTL (tests).
#
# Output: the strict report drill/readiness_report.hpp reads, one `ready KEY VALUE` line per key,
# each once, then `ready end`. It always exits 0 once the report is printed: a missing tool is a
# finding, not an error. Values:
#   runtime ctr|crictl|none          ctr preferred, as the DaemonSet playbooks do
#   runtime_socket PATH|none         the socket that tool would use
#   runtime_answers yes|no           the tool's `version` call over that socket succeeded
#   read_via api|api-fails|ctr|crictl|none   how the DaemonSet playbooks would read containerd
#                                    here (daemonset_match.sh): api when its Version/Version
#                                    answers through curl; api-fails when that call fails (they
#                                    would fail too); ctr where curl or od is missing or cannot
#                                    read the API; none without a runtime or its socket
#   cgroup v1|v2|hybrid
#   freezer yes|no                   v2: some cgroup has cgroup.freeze; v1/hybrid: a freezer mount
#   iptables yes|no, nsenter yes|no  executables on PATH (isolate and the caveat checks need them)
#   systemd yes|no                   systemd is PID 1 (/run/systemd/system, as sd_booted checks)
#   kubelet_unit NAME known|unknown|unchecked   systemd's LoadState (unchecked without systemd)
#   kubelet_hold none|active|stale   stale: a hold record past its release time, or a runtime
#                                    mask of the unit with no record (kubelet_hold.sh's leftovers)
#   journal_last none|TEXT           the last line of /run/breakglass/journal, printable ASCII,
#                                    at most 200 characters

bg_drill_yes_no() { if "$@"; then echo yes; else echo no; fi; }

bg_drill_runtime() {
  _bg_runtime=none _bg_socket=none _bg_answers=no _bg_read=none
  if bg_ds_executable "${CTR:-ctr}"; then
    _bg_runtime=ctr
  elif bg_ds_executable "${CRICTL:-crictl}"; then
    _bg_runtime=crictl
  else
    return 0
  fi
  _bg_tool=$_bg_path
  if ! bg_ds_find_socket runtime 2>/dev/null; then
    # A runtime_socket that is given but missing is named; otherwise there is none.
    [ -n "${RUNTIME_SOCKET:-}" ] && bg_ds_valid_socket "$RUNTIME_SOCKET" && _bg_socket=$RUNTIME_SOCKET || _bg_socket=none
    return 0
  fi
  if [ "$_bg_runtime" = ctr ]; then
    "$_bg_tool" --address "$_bg_socket" version >/dev/null 2>&1 && _bg_answers=yes
    bg_ds_find_curl
    _bg_probe=0
    bg_ds_api_probe >/dev/null 2>&1 || _bg_probe=$?
    case $_bg_probe in
      0) _bg_read=api ;;
      5) _bg_read=api-fails ;;
      *) _bg_read=ctr ;;
    esac
  else
    _bg_read=crictl
    "$_bg_tool" --runtime-endpoint "unix://$_bg_socket" --image-endpoint "unix://$_bg_socket" \
      version >/dev/null 2>&1 && _bg_answers=yes
  fi
  return 0
}

bg_drill_freezer() {
  if [ "$_bg_cgroup" = v2 ]; then
    for _bg_file in /sys/fs/cgroup/*/cgroup.freeze; do
      [ -e "$_bg_file" ] && return 0
    done
    return 1
  fi
  grep -qs '^[^ ]* [^ ]* cgroup [^ ]*freezer' /proc/mounts
}

bg_drill_kubelet() {
  _bg_unit_state=unchecked _bg_hold=none
  bg_ds_kubelet_unit || return
  if [ "$_bg_systemd" = yes ]; then
    case $(systemctl show -p LoadState --value "$_bg_unit" 2>/dev/null) in
      loaded | masked) _bg_unit_state=known ;;
      *) _bg_unit_state=unknown ;;
    esac
  fi
  if [ -f "$BG_HOLD_RECORD" ]; then
    _bg_until=$(sed -n 's/^until=//p' "$BG_HOLD_RECORD" 2>/dev/null) || :
    case $_bg_until in
      "" | *[!0-9]*) _bg_hold=stale ;;
      *) if [ "$_bg_until" -gt "$(date +%s)" ]; then _bg_hold=active; else _bg_hold=stale; fi ;;
    esac
  elif [ "$_bg_systemd" = yes ] &&
    [ "$(systemctl is-enabled "$_bg_unit" 2>/dev/null)" = masked-runtime ]; then
    _bg_hold=stale
  fi
}

bg_drill_journal_last() {
  _bg_last=$(tail -n 1 /run/breakglass/journal 2>/dev/null | LC_ALL=C tr -cd '\040-\176' | cut -c1-200)
  echo "${_bg_last:-none}"
}

bg_drill_readiness() {
  bg_drill_runtime
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    _bg_cgroup=v2
  elif [ -d /sys/fs/cgroup/unified ]; then
    _bg_cgroup=hybrid
  else
    _bg_cgroup=v1
  fi
  _bg_systemd=$(bg_drill_yes_no test -d /run/systemd/system)
  bg_drill_kubelet || return
  echo "ready runtime $_bg_runtime"
  echo "ready runtime_socket $_bg_socket"
  echo "ready runtime_answers $_bg_answers"
  echo "ready read_via $_bg_read"
  echo "ready cgroup $_bg_cgroup"
  echo "ready freezer $(bg_drill_yes_no bg_drill_freezer)"
  echo "ready iptables $(bg_drill_yes_no bg_ds_executable iptables)"
  echo "ready nsenter $(bg_drill_yes_no bg_ds_executable nsenter)"
  echo "ready systemd $_bg_systemd"
  echo "ready kubelet_unit $_bg_unit $_bg_unit_state"
  echo "ready kubelet_hold $_bg_hold"
  echo "ready journal_last $(bg_drill_journal_last)"
  echo "ready end"
}
