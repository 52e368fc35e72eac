# daemonset_match.sh: which sandboxes and containers on THIS node belong to one DaemonSet.
# The one matching rule of every DaemonSet playbook; the playbooks inline this file, so it is
# POSIX sh that needs `ctr` (shipped with containerd) or, where ctr is missing, `crictl` (then
# daemonset_crictl.sh, inlined after it, does the runtime calls), and sed/awk.
#
# Input, as shell variables (never spliced into code):
#   DS_NAMESPACE   the DaemonSet's namespace (a DNS-1123 label)
#   DS_NAME        the DaemonSet's name (a DNS-1123 subdomain)
#   CTR            optional, the ctr binary (default `ctr`)
#   CONTAINERD_ADDRESS  optional, containerd's socket (default /run/containerd/containerd.sock)
#
# bg_ds_match prints one line per match, fields separated by one space, sandboxes sorted by pod
# name, each followed by its containers sorted by container name then ID:
#   sandbox   POD-UID POD-NAME       SANDBOX-ID   STATE PID
#   container POD-UID CONTAINER-NAME CONTAINER-ID STATE PID
# STATE is the task's state lower-cased (running, paused, pausing, stopped, created, unknown);
# a container without a task (exited, its task deleted as CRI does) is `stopped` with PID 0.
# It returns 0 when the runtime answered (also with no match), and otherwise prints one line
# `daemonset_match: REASON` on stderr and returns 2 (bad input), 3 (neither ctr nor crictl: no
# container runtime installed), 4 (no containerd socket, or no CRI socket for crictl: the runtime
# is not running) or 5 (ctr or crictl failed).
#
# The rule (the owner reference is not visible on a node, so this is all a node can tell):
#   - the sandbox's io.kubernetes.pod.namespace equals DS_NAMESPACE;
#   - its io.kubernetes.pod.name is the DaemonSet's generateName prefix (DS_NAME + "-", cut to
#     58 characters) followed by exactly 5 characters of bcdfghjklmnpqrstvwxz2456789;
#   - it carries both controller-revision-hash and pod-template-generation (DaemonSet pods do;
#     Job, ReplicaSet and Deployment pods with the same name shape do not);
#   - containers (io.cri-containerd.kind=container) join their sandbox by io.kubernetes.pod.uid.
# Two DaemonSets of one namespace whose names agree on their first 57 characters share the
# prefix and cannot be told apart on a node.
#
# ctr is preferred. Without it, crictl (not packaged in Debian 12; see daemonset_crictl.sh) gives
# the same lines: the rule is applied to the CRI sandbox labels, which carry the same keys, and
# paused/pausing is read from the container's cgroup freezer (CRI has no paused state). That path
# is only tested here against the lab's stand-in for crictl (lab/node/crictl), not a real one.

bg_ds_fail() {
  echo "daemonset_match: $2" >&2
  return "$1"
}

# bg_fail STATUS REASON: the containment libraries' one-line failure (the CLI shows REASON).
bg_fail() {
  echo "$2" >&2
  return "$1"
}

# bg_ds_valid_name TEXT MAX: a DNS-1123 name of at most MAX characters.
bg_ds_valid_name() {
  case $1 in
    "" | *[!abcdefghijklmnopqrstuvwxyz0123456789.-]* | [!abcdefghijklmnopqrstuvwxyz0123456789]* | *[!abcdefghijklmnopqrstuvwxyz0123456789]) return 1 ;;
  esac
  [ "${#1}" -le "$2" ]
}

# bg_ds_prefix NAME: the generateName prefix of NAME's pods (NAME + "-", cut to 58 characters).
bg_ds_prefix() {
  printf '%s-\n' "$1" | cut -c1-58
}

# bg_ds_pod_name_matches PREFIX POD-NAME: POD-NAME is PREFIX plus 5 generateName characters.
bg_ds_pod_name_matches() {
  case $2 in
    "$1"?????) ;;
    *) return 1 ;;
  esac
  case ${2#"$1"} in
    *[!bcdfghjklmnpqrstvwxz2456789]*) return 1 ;;
  esac
  return 0
}

# bg_ds_label KEY: the value of label KEY in `ctr containers info` JSON read from stdin (only
# the Labels object, never the OCI spec's annotations).
bg_ds_label() {
  sed -n '/^    "Labels": {$/,/^    }/p' | awk -v key="\"$1\":" '
    $1 == key { v = $2; sub(/,$/, "", v); if (v ~ /^"[^"\\]*"$/) { print substr(v, 2, length(v) - 2) } exit }'
}

# bg_ds_executable NAME: its path when NAME is an executable file (bash's `command -v` also
# names a file it could not execute).
bg_ds_executable() {
  _bg_path=$(command -v "$1" 2>/dev/null) && [ -f "$_bg_path" ] && [ -x "$_bg_path" ] &&
    printf '%s\n' "$_bg_path"
}

# bg_ds_check_runtime: sets _bg_runtime (ctr or crictl) and what calling it needs.
bg_ds_check_runtime() {
  if _bg_ctr=$(bg_ds_executable "${CTR:-ctr}"); then
    _bg_runtime=ctr
    _bg_socket=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
    [ -S "$_bg_socket" ] ||
      { bg_ds_fail 4 "containerd socket $_bg_socket is missing: containerd is not running"; return; }
    return 0
  fi
  _bg_crictl=$(bg_ds_executable "${CRICTL:-crictl}") ||
    { bg_ds_fail 3 "neither ctr nor crictl found: no container runtime is installed on this node"; return; }
  _bg_runtime=crictl
  _bg_endpoint=${CONTAINER_RUNTIME_ENDPOINT:-unix:///run/containerd/containerd.sock}
  case $_bg_endpoint in
    unix:///*) _bg_socket=${_bg_endpoint#unix://} ;;
    *) bg_ds_fail 2 "CONTAINER_RUNTIME_ENDPOINT '$_bg_endpoint' is not a unix:/// socket"; return ;;
  esac
  [ -S "$_bg_socket" ] ||
    { bg_ds_fail 4 "CRI socket $_bg_socket is missing: the container runtime is not running (crictl)"; return; }
}

# bg_ds_ctr ARGS...: ctr in namespace k8s.io; its error becomes the reason (exit 5).
bg_ds_ctr() {
  _bg_out=$("$_bg_ctr" --address "$_bg_socket" -n k8s.io "$@" 2>&1) ||
    { bg_ds_fail 5 "ctr $1 $2 failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"; return; }
  printf '%s\n' "$_bg_out"
}

# bg_ds_task_state ID: "STATE PID" of ID's task in $_bg_tasks (`ctr tasks ls` output).
bg_ds_task_state() {
  printf '%s\n' "$_bg_tasks" | awk -v id="$1" '
    NR > 1 && $1 == id { print tolower($3), $2; found = 1; exit }
    END { if (!found) { print "stopped 0" } }'
}

bg_ds_match() {
  bg_ds_valid_name "${DS_NAMESPACE-}" 63 ||
    { bg_ds_fail 2 "DS_NAMESPACE '${DS_NAMESPACE-}' is not a Kubernetes namespace"; return; }
  bg_ds_valid_name "${DS_NAME-}" 253 ||
    { bg_ds_fail 2 "DS_NAME '${DS_NAME-}' is not a Kubernetes object name"; return; }
  bg_ds_check_runtime || return
  if [ "$_bg_runtime" = crictl ]; then
    # A playbook that does not inline daemonset_crictl.sh cannot use crictl: say so, not "not found".
    command -v bg_ds_crictl_match >/dev/null 2>&1 ||
      { bg_ds_fail 3 "ctr not found, and this playbook does not include daemonset_crictl.sh for crictl"; return; }
    bg_ds_crictl_match
    return
  fi
  _bg_prefix=$(bg_ds_prefix "$DS_NAME")
  _bg_tasks=$(bg_ds_ctr tasks ls) || return
  _bg_sandboxes=$(bg_ds_ctr containers ls -q "labels.\"io.cri-containerd.kind\"==sandbox,labels.\"io.kubernetes.pod.namespace\"==$DS_NAMESPACE,labels.\"controller-revision-hash\",labels.\"pod-template-generation\"") || return
  _bg_found=""
  for _bg_id in $_bg_sandboxes; do
    _bg_info=$(bg_ds_ctr containers info "$_bg_id") || return
    _bg_pod=$(printf '%s\n' "$_bg_info" | bg_ds_label io.kubernetes.pod.name)
    _bg_uid=$(printf '%s\n' "$_bg_info" | bg_ds_label io.kubernetes.pod.uid)
    bg_ds_pod_name_matches "$_bg_prefix" "$_bg_pod" || continue
    bg_ds_valid_name "$_bg_uid" 63 || continue
    _bg_found="$_bg_found$_bg_pod $_bg_uid $_bg_id
"
  done
  # Sorted by pod name, each sandbox followed by its containers (here-documents, not pipes, so
  # that a failing ctr ends the function).
  _bg_found=$(printf '%s' "$_bg_found" | sort)
  while read -r _bg_pod _bg_uid _bg_id; do
    [ -n "$_bg_id" ] || continue
    echo "sandbox $_bg_uid $_bg_pod $_bg_id $(bg_ds_task_state "$_bg_id")"
    _bg_containers=$(bg_ds_ctr containers ls -q "labels.\"io.cri-containerd.kind\"==container,labels.\"io.kubernetes.pod.uid\"==$_bg_uid") || return
    _bg_named=""
    for _bg_cid in $_bg_containers; do
      _bg_info=$(bg_ds_ctr containers info "$_bg_cid") || return
      _bg_name=$(printf '%s\n' "$_bg_info" | bg_ds_label io.kubernetes.container.name)
      _bg_named="$_bg_named${_bg_name:-?} $_bg_cid
"
    done
    _bg_named=$(printf '%s' "$_bg_named" | sort)
    while read -r _bg_name _bg_cid; do
      [ -n "$_bg_cid" ] || continue
      echo "container $_bg_uid $_bg_name $_bg_cid $(bg_ds_task_state "$_bg_cid")"
    done <<BG_DS_CONTAINERS
$_bg_named
BG_DS_CONTAINERS
  done <<BG_DS_SANDBOXES
$_bg_found
BG_DS_SANDBOXES
}
