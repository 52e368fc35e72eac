# daemonset_crictl.sh: bg_ds_match's rule and the containment actions through crictl, for nodes
# where ctr is not installed (bg_ds_check_runtime in daemonset_match.sh picks crictl then).
# POSIX sh, sed and awk: no jq, no python on nodes. UNTESTED against a real crictl here: crictl
# is not packaged in Debian 12, and the lab tests this path against lab/node/crictl, a stand-in
# modelled on cri-tools' cmd/crictl (the commands and output formats cited below).
#
# Input, besides daemonset_match.sh's variables:
#   CRICTL                      optional, the crictl binary (default `crictl`)
#   the CRI endpoint is unix://SOCKET, SOCKET found as for ctr (RUNTIME_SOCKET, else the standard
#   path, which is the first of crictl's defaultRuntimeEndpoints in cmd/crictl/main_unix.go, else
#   k3s's); passed to every call as --runtime-endpoint and --image-endpoint, so that
#   /etc/crictl.yaml cannot point crictl elsewhere than we checked.
#
# What crictl offers, and how it maps onto the ctr path's records:
#   - sandboxes: `crictl pods -q --label K=V` lists IDs (cmd/crictl/sandbox.go, listPodCommand;
#     --label is an exact CRI label selector, unlike --namespace, a regular expression);
#     `crictl inspectp ID` prints {"info": {"pid": ...}, "status": {"labels": ...,
#     "state": "SANDBOX_READY"|"SANDBOX_NOTREADY"}} (util.go, resourceStatus/outputStatusData).
#   - containers: `crictl ps -a -o json --label io.kubernetes.pod.uid=UID` prints
#     {"containers": [{"id", "labels", "state": "CONTAINER_RUNNING"|..._CREATED|..._EXITED|
#     ..._UNKNOWN}]} (container.go, OutputContainers); `crictl inspect ID` gives info.pid.
#   - CRI has no paused state and crictl no pause: a frozen container is CONTAINER_RUNNING, so
#     freeze/thaw write the container's cgroup freezer and its state (paused, pausing) is read
#     there (bg_ds_freezer_state).
#   - stop: `crictl stop --timeout GRACE ID` (the runtime sends SIGTERM, waits GRACE, SIGKILLs),
#     then `crictl stopp POD`; remove: `crictl rm ID`, `crictl rmp POD` (container.go,
#     sandbox.go). crictl fails with exit 1 and one logrus line on stderr (main.go).
# crictl's JSON is never parsed by line shape: protojson (ps -o json) varies its whitespace on
# purpose, and inspect's info holds a second copy of the labels (info.config.labels), so
# bg_cri_flatten tokenizes it and values are looked up by their full path.

# bg_cri_flatten: the JSON document on stdin as one line per scalar, `PATH<TAB>VALUE`, in
# document order (daemonset_match.sh's BG_JSON_AWK reads it; PATH and VALUE as it describes):
#   /"status"/"labels"/"io.kubernetes.pod.uid"<TAB>"3f0c..."   /"containers"/0/"id"<TAB>"ab..."
# Output that is not exactly one JSON document is a failure (exit 5, the reason on stderr), never
# an empty listing.
bg_cri_flatten() {
  awk "$BG_JSON_AWK"'
    BEGIN { bg_json_reset() }
    { bg_json_line($0) }
    END {
      if (!bg_json_end()) { print "daemonset_match: cannot read crictl output: " bg_err > "/dev/stderr"; exit 5 }
      for (k = 1; k <= bg_n; k++) { print bg_order[k] "\t" bg_v[bg_order[k]] }
    }'
}

# bg_cri_get PATH...: from the flattened $_bg_flat, the values at PATH... on one line, separated
# by one space: a string without quotes (only strings of [^"\ ] pass; `""` stays `""`), a
# number or true/false as written, `-` for anything absent, null or not that plain.
bg_cri_get() {
  printf '%s\n' "$_bg_flat" | BG_CRI_PATHS="$*" awk -F '\t' '
    BEGIN { n = split(ENVIRON["BG_CRI_PATHS"], want, " ") }
    { seen[$1] = $2 }
    END {
      for (k = 1; k <= n; k++) {
        v = (want[k] in seen) ? seen[want[k]] : ""
        if (v == "\"\"") { } else if (v ~ /^"[^"\\ ]+"$/) { v = substr(v, 2, length(v) - 2) }
        else if (v !~ /^(-?[0-9][0-9.eE+-]*|true|false)$/) { v = "-" }
        printf "%s%s", (k > 1 ? " " : ""), v
      }
      print ""
    }'
}

# bg_ds_crictl ARGS...: crictl against the checked endpoint; on failure its error (stderr)
# becomes the reason (exit 5). Standard error is kept out of what is parsed: read-only calls are
# repeated once to read it.
bg_ds_crictl() {
  _bg_out=$("$_bg_crictl" --runtime-endpoint "$_bg_endpoint" --image-endpoint "$_bg_endpoint" "$@" 2>/dev/null) && {
    printf '%s\n' "$_bg_out"
    return 0
  }
  _bg_out=$("$_bg_crictl" --runtime-endpoint "$_bg_endpoint" --image-endpoint "$_bg_endpoint" "$@" 2>&1 >/dev/null)
  bg_ds_fail 5 "crictl $1 failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"
}

# bg_ds_crictl_gone ARGS...: a crictl action where "not found" counts as done (the kubelet, when
# not held, may remove what we are about to).
bg_ds_crictl_gone() {
  _bg_out=$("$_bg_crictl" --runtime-endpoint "$_bg_endpoint" --image-endpoint "$_bg_endpoint" "$@" 2>&1) && return 0
  case $_bg_out in
    *"not found"* | *NotFound*) return 0 ;;
  esac
  bg_fail 5 "crictl $* failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"
}

# bg_ds_freezer PID: sets _bg_freezer to `v1 DIR` or `v2 DIR`, the cgroup folder whose freezer
# holds PID, or returns 1. A v1 freezer hierarchy is preferred where one is mounted (runc freezes
# there on hybrid hosts, and so does `ctr tasks pause`); else the v2 unified hierarchy.
bg_ds_freezer() {
  _bg_freezer=""
  case ${1:-} in "" | 0 | *[!0-9]*) return 1 ;; esac
  _bg_freezer=$(awk -v pid="$1" '
    FILENAME != "/proc/self/mountinfo" {
      i = index($0, ":"); rest = substr($0, i + 1); j = index(rest, ":")
      ctl = substr(rest, 1, j - 1); path = substr(rest, j + 1)
      if (ctl == "" && substr($0, 1, i - 1) == "0") { v2 = path }
      m = split(ctl, c, ","); for (k = 1; k <= m; k++) { if (c[k] == "freezer") { v1 = path } }
      next
    }
    {
      for (k = 7; k <= NF && $k != "-"; k++) { }
      type = $(k + 1); m = split($(k + 3), o, ",")
      for (q = 1; q <= m; q++) { if (type == "cgroup" && o[q] == "freezer") { root1 = $4; mnt1 = $5 } }
      if (type == "cgroup2") { root2 = $4; mnt2 = $5 }
    }
    function under(root, mnt, path) {
      if (root != "/" && index(path, root) == 1) { path = substr(path, length(root) + 1) }
      return mnt path
    }
    END {
      if (v1 != "" && mnt1 != "") { print "v1 " under(root1, mnt1, v1) }
      else if (v2 != "" && mnt2 != "") { print "v2 " under(root2, mnt2, v2) }
    }' "/proc/$1/cgroup" /proc/self/mountinfo 2>/dev/null)
  [ -n "$_bg_freezer" ]
}

# bg_ds_freezer_state PID: running, pausing or paused, as PID's cgroup freezer says (running when
# PID has no freezer: nothing can have frozen it).
bg_ds_freezer_state() {
  bg_ds_freezer "$1" || { echo running; return 0; }
  _bg_dir=${_bg_freezer#v? }
  case $_bg_freezer in
    v1*)
      case $(cat "$_bg_dir/freezer.state" 2>/dev/null) in
        FROZEN) echo paused ;;
        FREEZING) echo pausing ;;
        *) echo running ;;
      esac ;;
    *)
      if [ "$(cat "$_bg_dir/cgroup.freeze" 2>/dev/null)" != 1 ]; then
        echo running
      elif grep -qx 'frozen 1' "$_bg_dir/cgroup.events" 2>/dev/null; then
        echo paused
      else
        echo pausing
      fi ;;
  esac
}

# bg_ds_freezer_set PID paused|running: freezes or thaws PID's cgroup and waits (up to 5 s) until
# the kernel reports it done. v1 may stay FREEZING while a task cannot be frozen yet: the write
# is repeated, as runc does.
bg_ds_freezer_set() {
  bg_ds_freezer "$1" || { bg_fail 5 "no cgroup freezer found for pid $1"; return; }
  _bg_dir=${_bg_freezer#v? }
  _bg_i=0
  while [ $_bg_i -lt 50 ]; do
    case $_bg_freezer:$2 in
      v1*:paused) echo FROZEN >"$_bg_dir/freezer.state" ;;
      v1*:running) echo THAWED >"$_bg_dir/freezer.state" ;;
      v2*:paused) echo 1 >"$_bg_dir/cgroup.freeze" ;;
      v2*:running) echo 0 >"$_bg_dir/cgroup.freeze" ;;
    esac 2>/dev/null || { bg_fail 5 "cannot write the cgroup freezer of pid $1 ($_bg_dir)"; return; }
    [ "$(bg_ds_freezer_state "$1")" = "$2" ] && return 0
    sleep 0.1
    _bg_i=$((_bg_i + 1))
  done
  bg_fail 5 "the cgroup freezer of pid $1 ($_bg_dir) did not reach $2 within 5 s"
}

# bg_ds_cri_state CRI-STATE ID: "STATE PID" in the ctr path's words. A running container's PID
# is inspect's info.pid and its state the freezer's; a CRI PID of anything not running may be
# stale, so it is 0.
bg_ds_cri_state() {
  case $1 in
    CONTAINER_RUNNING | CONTAINER_CREATED)
      _bg_json=$(bg_ds_crictl inspect "$2") || return
      _bg_flat=$(printf '%s\n' "$_bg_json" | bg_cri_flatten) || return
      _bg_pid=$(bg_cri_get '/"info"/"pid"')
      case $_bg_pid in "" | *[!0-9]*) _bg_pid=0 ;; esac
      if [ "$1" = CONTAINER_CREATED ]; then
        echo "created $_bg_pid"
      else
        echo "$(bg_ds_freezer_state "$_bg_pid") $_bg_pid"
      fi ;;
    CONTAINER_EXITED) echo "stopped 0" ;;
    *) echo "unknown 0" ;;
  esac
}

# bg_cri_containers: from flattened `crictl ps -o json` on stdin, `NAME ID CRI-STATE` a
# container, in the order listed (NAME `?` when the container has no name label).
bg_cri_containers() {
  awk -F '\t' '
    function plain(v) { return v ~ /^"[^"\\ ]+"$/ ? substr(v, 2, length(v) - 2) : "" }
    index($1, "/\"containers\"/") == 1 {
      rest = substr($1, 15); i = index(rest, "/"); n = substr(rest, 1, i - 1) + 0; field = substr(rest, i)
      if (n + 1 > count) { count = n + 1 }
      if (field == "/\"id\"") { id[n] = plain($2) }
      if (field == "/\"state\"") { state[n] = plain($2) }
      if (field == "/\"labels\"/\"io.kubernetes.container.name\"") { name[n] = plain($2) }
    }
    END {
      for (n = 0; n < count; n++) {
        if (id[n] != "") { print (name[n] == "" ? "?" : name[n]), id[n], (state[n] == "" ? "-" : state[n]) }
      }
    }'
}

# bg_ds_crictl_match: bg_ds_match's output through crictl (daemonset_match.sh has the rule).
bg_ds_crictl_match() {
  bg_ds_prefix "$DS_NAME"
  # The namespace label narrows the listing; every label is checked again below.
  _bg_sandboxes=$(bg_ds_crictl pods -q --label "io.kubernetes.pod.namespace=$DS_NAMESPACE") || return
  _bg_found=""
  for _bg_id in $_bg_sandboxes; do
    case $_bg_id in *[!0-9A-Za-z_.-]*) continue ;; esac
    _bg_json=$(bg_ds_crictl inspectp "$_bg_id") || return
    _bg_flat=$(printf '%s\n' "$_bg_json" | bg_cri_flatten) || return
    _bg_l='/"status"/"labels"/'
    read -r _bg_ns _bg_pod _bg_uid _bg_rev _bg_gen _bg_state _bg_pid <<BG_DS_POD
$(bg_cri_get "$_bg_l\"io.kubernetes.pod.namespace\"" "$_bg_l\"io.kubernetes.pod.name\"" "$_bg_l\"io.kubernetes.pod.uid\"" "$_bg_l\"controller-revision-hash\"" "$_bg_l\"pod-template-generation\"" '/"status"/"state"' '/"info"/"pid"')
BG_DS_POD
    [ "$_bg_ns" = "$DS_NAMESPACE" ] && [ "$_bg_rev" != - ] && [ "$_bg_gen" != - ] || continue
    bg_ds_pod_name_matches "$_bg_prefix" "$_bg_pod" || continue
    bg_ds_valid_name "$_bg_uid" 63 || continue
    case $_bg_state:$_bg_pid in
      SANDBOX_READY:[0-9]*) _bg_state="running $_bg_pid" ;;
      SANDBOX_NOTREADY:*) _bg_state="stopped 0" ;;
      *) _bg_state="unknown 0" ;;
    esac
    _bg_found="$_bg_found$_bg_pod $_bg_uid $_bg_id $_bg_state
"
  done
  _bg_found=$(printf '%s' "$_bg_found" | sort)
  while read -r _bg_pod _bg_uid _bg_id _bg_state _bg_pid; do
    [ -n "$_bg_id" ] || continue
    echo "sandbox $_bg_uid $_bg_pod $_bg_id $_bg_state $_bg_pid"
    _bg_json=$(bg_ds_crictl ps -a -o json --label "io.kubernetes.pod.uid=$_bg_uid") || return
    _bg_flat=$(printf '%s\n' "$_bg_json" | bg_cri_flatten) || return
    _bg_named=$(printf '%s\n' "$_bg_flat" | bg_cri_containers | sort)
    while read -r _bg_name _bg_cid _bg_cri; do
      [ -n "$_bg_cid" ] || continue
      case $_bg_cid in *[!0-9A-Za-z_.-]*) continue ;; esac
      _bg_state=$(bg_ds_cri_state "$_bg_cri" "$_bg_cid") || return
      echo "container $_bg_uid $_bg_name $_bg_cid $_bg_state"
    done <<BG_DS_CONTAINERS
$_bg_named
BG_DS_CONTAINERS
  done <<BG_DS_SANDBOXES
$_bg_found
BG_DS_SANDBOXES
}

# bg_ds_crictl_stop_all GRACE: daemonset_actions.sh's bg_ds_stop_all through CRI. Containers
# are stopped in parallel, as the kubelet does (each `crictl stop` blocks up to GRACE), a frozen
# one thawed first so that it can take SIGTERM; then their sandboxes.
bg_ds_crictl_stop_all() {
  _bg_grace=$1
  _bg_jobs=""
  bg_ds_each bg_ds_crictl_stop_container || return
  _bg_failed=0
  for _bg_job in $_bg_jobs; do
    wait "${_bg_job%%:*}" || _bg_failed=1
  done
  [ $_bg_failed -eq 0 ] || return 5
  for _bg_job in $_bg_jobs; do
    _bg_rest=${_bg_job#*:}
    echo "change container ${_bg_rest%%:*} ${_bg_rest#*:} stopped"
  done
  bg_ds_each bg_ds_crictl_stop_sandbox
}

bg_ds_crictl_stop_container() { # KIND ID STATE PID
  [ "$1" = container ] || return 0
  case $3 in
    running | created) ;;
    paused | pausing) bg_ds_freezer_set "$4" running || return ;;
    *) return 0 ;;
  esac
  bg_ds_crictl_gone stop --timeout "$_bg_grace" "$2" &
  _bg_jobs="$_bg_jobs $!:$2:$3"
}

bg_ds_crictl_stop_sandbox() { # KIND ID STATE PID
  [ "$1" = sandbox ] && [ "$3" != stopped ] || return 0
  bg_ds_crictl_gone stopp "$2" || return
  echo "change sandbox $2 $3 stopped"
}
