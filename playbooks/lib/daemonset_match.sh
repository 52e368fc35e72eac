# daemonset_match.sh: which sandboxes and containers on THIS node belong to one DaemonSet.
# The one matching rule of every DaemonSet playbook; the playbooks inline this file, so it is
# POSIX sh that needs `ctr` (shipped with containerd) or, where ctr is missing, `crictl` (then
# daemonset_crictl.sh, inlined after it, does the runtime calls), and awk; where `curl` (with
# HTTP/2) and `od` are there too, what containerd holds is read through its API (below).
#
# Input, as shell variables (never spliced into code):
#   DS_NAMESPACE    the DaemonSet's namespace (a DNS-1123 label)
#   DS_NAME         the DaemonSet's name (a DNS-1123 subdomain)
#   RUNTIME_SOCKET  optional, containerd's socket; empty: the first that exists of
#                   /run/containerd/containerd.sock (the standard path) and
#                   /run/k3s/containerd/containerd.sock (k3s and RKE2)
#   KUBELET_UNIT    optional, the kubelet's systemd unit (default kubelet; k3s-agent or
#                   rke2-agent where the kubelet runs inside k3s/RKE2): facts and kubelet_hold.sh
#   CTR             optional, the ctr binary (default `ctr`)
#   CURL            optional, the curl binary (default `curl`; `none`: read through ctr)
# RUNTIME_SOCKET and KUBELET_UNIT are checked again here (bad input, exit 2): an absolute path of
# letters, digits and `._-/` without `.` or `..` components; a unit name of letters, digits and
# `_.@-` that starts with a letter or digit.
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
# is not running) or 5 (ctr or crictl failed, or printed anything this file cannot read: then
# the reason says what, and nothing is reported as absent).
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
# How (ctr): containerd applies the rule's label tests itself (its filter syntax, regular
# expressions included, is part of containerd's API), so one `ctr containers ls -q` returns only
# the target's sandboxes and the containers of pods with its name shape; each is read with
# `ctr containers info` and checked again here, its JSON read by a real tokenizer (BG_JSON_AWK:
# any layout, any key order; labels looked up by their full path, never the OCI spec's copies).
# A document that does not parse, or that contradicts the filter containerd applied, fails the
# node. On a node with 110 pods this is `ctr` 3 + (pods matched x (1 + containers)) times and
# one awk.
#
# How (containerd's API, preferred where ctr is): each `ctr` start costs 10-60 ms of the node's
# CPU whatever it asks, so the same questions go to containerd's gRPC API, its stable interface
# (ctr's output is not one), with curl: HTTP/2 without TLS on the socket, one request each
# (Tasks/List; Containers/ListStream with the same two label filters, which streams every
# candidate with its labels, one message each; Version/Version for status), then `od` turns the
# answers (at most 1 MiB in all) into numbers and one awk (BG_DS_API_AWK) reads the HTTP/2
# headers, the gRPC frames and the protobuf messages by their field numbers
# (containerd/api/services/*/v1/*.proto, api/types/task/task.proto: any field order, unknown
# fields skipped). Anything it cannot read fails the node as above. What
# this node's tools cannot do leaves the reading to ctr: a curl that cannot speak HTTP/2 (exit
# 1, 2, 4 or 48) or does not print HTTP/2 trailers (where gRPC puts a call's status), an od
# without -An -v -tu1, a containerd without ListStream (grpc-status 12), answers over 1 MiB.
#
# ctr is preferred. Without it, crictl (not packaged in Debian 12; see daemonset_crictl.sh) gives
# the same lines: the rule is applied to the CRI sandbox labels, which carry the same keys, and
# paused/pausing is read from the container's cgroup freezer (CRI has no paused state). That path
# is only tested here against the lab's stand-in for crictl (lab/node/crictl), not a real one.

BG_DS_STANDARD_SOCKET=/run/containerd/containerd.sock
BG_DS_K3S_SOCKET=/run/k3s/containerd/containerd.sock
# The alphabet and length Kubernetes' generateName appends (apiserver names.SimpleNameGenerator).
BG_DS_SUFFIX_ALPHABET=bcdfghjklmnpqrstvwxz2456789

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

# bg_ds_valid_socket PATH: an absolute path of [A-Za-z0-9._/-], no `.`/`..` component, no `//`.
bg_ds_valid_socket() {
  case $1 in
    /*) ;;
    *) return 1 ;;
  esac
  case $1 in
    *[!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-]* | *//* | */./* | */../* | */. | */..) return 1 ;;
  esac
  [ "${#1}" -le 200 ]
}

# bg_ds_valid_unit NAME: a systemd unit name we accept: [A-Za-z0-9][A-Za-z0-9_.@-]*, at most 100.
bg_ds_valid_unit() {
  case $1 in
    "" | [!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789]* | *[!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-]*) return 1 ;;
  esac
  [ "${#1}" -le 100 ]
}

# bg_ds_kubelet_unit: sets _bg_unit from KUBELET_UNIT (default kubelet), or fails (exit 2).
bg_ds_kubelet_unit() {
  _bg_unit=${KUBELET_UNIT:-kubelet}
  bg_ds_valid_unit "$_bg_unit" ||
    bg_ds_fail 2 "kubelet_unit '$_bg_unit' is not a systemd unit name ([A-Za-z0-9][A-Za-z0-9_.@-]*)"
}

# bg_ds_prefix NAME: sets _bg_prefix, the generateName prefix of NAME's pods (NAME + "-", cut to
# 58 characters), without a subprocess.
bg_ds_prefix() {
  _bg_prefix="$1-"
  while [ "${#_bg_prefix}" -gt 58 ]; do
    _bg_prefix=${_bg_prefix%?}
  done
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

# bg_ds_executable NAME: sets _bg_path when NAME is an executable file (bash's `command -v` also
# names a file it could not execute).
bg_ds_executable() {
  _bg_path=$(command -v "$1" 2>/dev/null) && [ -f "$_bg_path" ] && [ -x "$_bg_path" ]
}

# bg_ds_find_socket WHAT: sets _bg_socket to RUNTIME_SOCKET when given, else to the first socket
# that exists at the standard path, then the k3s/RKE2 path.
bg_ds_find_socket() {
  if [ -n "${RUNTIME_SOCKET:-}" ]; then
    bg_ds_valid_socket "$RUNTIME_SOCKET" ||
      { bg_ds_fail 2 "runtime_socket '$RUNTIME_SOCKET' is not an absolute path of letters, digits and '._-/'"; return; }
    _bg_socket=$RUNTIME_SOCKET
    [ -S "$_bg_socket" ] ||
      { bg_ds_fail 4 "$1 socket $_bg_socket (runtime_socket) is missing: the runtime is not running there"; return; }
    return 0
  fi
  for _bg_socket in "$BG_DS_STANDARD_SOCKET" "$BG_DS_K3S_SOCKET"; do
    [ -S "$_bg_socket" ] && return 0
  done
  bg_ds_fail 4 "$1 socket missing at $BG_DS_STANDARD_SOCKET and $BG_DS_K3S_SOCKET: the runtime is not running (or give runtime_socket)"
}

# bg_ds_find_curl: sets _bg_curl to the curl the API reader uses (CURL, default curl; `none`:
# none), or "" when there is none, or no od.
bg_ds_find_curl() {
  _bg_curl=""
  # od may be busybox's applet, which `command -v` names without a path.
  if [ "${CURL:-curl}" != none ] && command -v od >/dev/null 2>&1 && bg_ds_executable "${CURL:-curl}"; then
    _bg_curl=$_bg_path
  fi
}

# bg_ds_check_runtime: sets _bg_runtime (ctr or crictl), _bg_socket and what calling it needs.
bg_ds_check_runtime() {
  _bg_curl=""
  if bg_ds_executable "${CTR:-ctr}"; then
    _bg_ctr=$_bg_path
    _bg_runtime=ctr
    bg_ds_find_curl
    bg_ds_find_socket containerd
    return
  fi
  bg_ds_executable "${CRICTL:-crictl}" ||
    { bg_ds_fail 3 "neither ctr nor crictl found: no container runtime is installed on this node"; return; }
  _bg_crictl=$_bg_path
  _bg_runtime=crictl
  bg_ds_find_socket CRI || return
  _bg_endpoint=unix://$_bg_socket
}

# bg_ds_ctr ARGS...: ctr in namespace k8s.io, for actions; its error becomes the reason (exit 5).
bg_ds_ctr() {
  _bg_out=$("$_bg_ctr" --address "$_bg_socket" -n k8s.io "$@" 2>&1) ||
    { bg_ds_fail 5 "ctr $1 $2 failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"; return; }
  printf '%s\n' "$_bg_out"
}

# bg_ds_ctr_read ARGS...: a read-only ctr call; sets _bg_out to its standard output alone (a
# warning on standard error must not reach the parser). On failure the call is repeated once to
# read its error, which becomes the reason (exit 5).
bg_ds_ctr_read() {
  _bg_out=$("$_bg_ctr" --address "$_bg_socket" -n k8s.io "$@" 2>/dev/null) && return 0
  _bg_out=$("$_bg_ctr" --address "$_bg_socket" -n k8s.io "$@" 2>&1 >/dev/null)
  bg_ds_fail 5 "ctr $1 $2 failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"
}

# bg_ds_task_state ID: "STATE PID" of ID's task in $_bg_tasks (`ctr tasks ls` output).
bg_ds_task_state() {
  printf '%s\n' "$_bg_tasks" | awk -v id="$1" '
    NR > 1 && $1 == id { print tolower($3), $2; found = 1; exit }
    END { if (!found) { print "stopped 0" } }'
}

# BG_JSON_AWK: awk functions that read one JSON document (RFC 8259), a line at a time
# (bg_json_line; strings and tokens never span lines), and check its grammar as they go:
#   bg_json_reset()        starts a document
#   bg_json_line(LINE)     reads one more line of it
#   bg_json_end()          1 when it was exactly one complete document, else 0 with bg_err set
# Every scalar is kept in bg_v[PATH] = TOKEN, in document order in bg_order[1..bg_n]. PATH is
# the keys (as written, quotes included) and array indexes from the root, each after a `/`:
#   /"Labels"/"io.kubernetes.pod.uid"   /"containers"/0/"id"
# TOKEN is the JSON token as written (a string keeps its quotes and escapes). A key repeated in
# one object is an error (which copy would a reader believe?). Shared by the ctr path and
# daemonset_crictl.sh.
BG_JSON_AWK='
function bg_json_reset() {
  bg_d = 0; bg_state[0] = "value"; bg_err = ""; bg_n = 0
  split("", bg_v); split("", bg_seen); split("", bg_order)
}
function bg_json_here() {
  if (bg_d == 0) { return "" }
  if (bg_kind[bg_d] == "{") { return bg_base[bg_d] "/" bg_key[bg_d] }
  return bg_base[bg_d] "/" bg_idx[bg_d]
}
function bg_json_wants_value() {
  if (bg_d == 0) { return bg_state[0] == "value" }
  return bg_state[bg_d] == "value" || bg_state[bg_d] == "value_or_end"
}
function bg_json_after_value() {
  if (bg_d == 0) { bg_state[0] = "end" } else { bg_state[bg_d] = "comma_or_end" }
}
function bg_json_scalar(token,    path) {
  path = bg_json_here()
  bg_v[path] = token; bg_order[++bg_n] = path
  bg_json_after_value()
}
function bg_json_line(line,    rest, c, token, path) {
  rest = line
  while (bg_err == "") {
    sub(/^[ \t\r]+/, "", rest)
    if (rest == "") { return }
    c = substr(rest, 1, 1)
    if (c == "{" || c == "[") {
      if (!bg_json_wants_value()) { bg_err = "unexpected " c; return }
      path = bg_json_here(); bg_d++
      bg_base[bg_d] = path; bg_kind[bg_d] = c; bg_idx[bg_d] = 0; bg_key[bg_d] = ""
      bg_state[bg_d] = (c == "{") ? "key_or_end" : "value_or_end"
      rest = substr(rest, 2)
    } else if (c == "}" || c == "]") {
      if (bg_d == 0 || (c == "}") != (bg_kind[bg_d] == "{") ||
          (bg_state[bg_d] != "comma_or_end" && bg_state[bg_d] != (c == "}" ? "key_or_end" : "value_or_end"))) {
        bg_err = "unexpected " c; return
      }
      bg_d--; bg_json_after_value()
      rest = substr(rest, 2)
    } else if (c == ",") {
      if (bg_d == 0 || bg_state[bg_d] != "comma_or_end") { bg_err = "unexpected ,"; return }
      if (bg_kind[bg_d] == "[") { bg_idx[bg_d]++; bg_state[bg_d] = "value" } else { bg_state[bg_d] = "key" }
      rest = substr(rest, 2)
    } else if (c == ":") {
      if (bg_d == 0 || bg_state[bg_d] != "colon") { bg_err = "unexpected :"; return }
      bg_state[bg_d] = "value"
      rest = substr(rest, 2)
    } else if (c == "\"") {
      if (!match(rest, /^"([^"\\]|\\.)*"/)) { bg_err = "unterminated string"; return }
      token = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
      if (bg_d > 0 && (bg_state[bg_d] == "key_or_end" || bg_state[bg_d] == "key")) {
        path = bg_base[bg_d] "/" token
        if (path in bg_seen) { bg_err = "duplicate key " token; return }
        bg_seen[path] = 1; bg_key[bg_d] = token; bg_state[bg_d] = "colon"
      } else if (bg_json_wants_value()) {
        bg_json_scalar(token)
      } else {
        bg_err = "unexpected string"; return
      }
    } else {
      if (!match(rest, /^[-+.0-9A-Za-z]+/)) { bg_err = "unexpected character " c; return }
      token = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
      if (token !~ /^(true|false|null|-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?)$/) {
        bg_err = "not a JSON value: " substr(token, 1, 20); return
      }
      if (!bg_json_wants_value()) { bg_err = "unexpected " substr(token, 1, 20); return }
      bg_json_scalar(token)
    }
  }
}
function bg_json_end() {
  if (bg_err == "" && bg_d == 0 && bg_state[0] == "value") { bg_err = "no JSON document" }
  if (bg_err == "" && bg_state[0] != "end") { bg_err = "truncated JSON document" }
  return bg_err == ""
}
function bg_json_plain(path,    v) {
  if (!(path in bg_v)) { return "" }
  v = bg_v[path]
  if (v ~ /^"[^"\\]*"$/) { return substr(v, 2, length(v) - 2) }
  return ""
}
'

# BG_DS_RULE_AWK: the rule applied to what containerd said, shared by the ctr and API readers
# (variables ns and prefix). bg_ds_accept() files one listed container, or fails when it
# contradicts the label filter containerd applied; bg_ds_print() prints bg_ds_match's lines.
# fail() prints one `daemonset_match:` line on stderr and exits 5.
BG_DS_RULE_AWK='
function fail(why) {
  if (!failed) { print "daemonset_match: " why > "/dev/stderr" }
  failed = 1; exit 5
}
function name_matches(pod,    suffix) {
  if (length(pod) != length(prefix) + 5 || substr(pod, 1, length(prefix)) != prefix) { return 0 }
  suffix = substr(pod, length(prefix) + 1)
  return suffix ~ /^[bcdfghjklmnpqrstvwxz2456789]+$/
}
function dns_label(text) { return length(text) <= 63 && text ~ /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/ }
function state_of(id) {
  if (id in bad_status) { fail("task " substr(id, 1, 12) " has status " bad_status[id] ", not one this version knows") }
  return (id in task_state) ? task_state[id] " " task_pid[id] : "stopped 0"
}
# ID, its labels (kind, namespace, pod name, pod uid, 1 when both DaemonSet labels are there,
# container name) and where they were read ("its info shows", "its labels show").
function bg_ds_accept(id, kind, pod_ns, pod, uid, ds_labels, name, source,    what) {
  what = "containerd listed " substr(id, 1, 12) " for the label filter, but " source " "
  if (pod_ns != ns) { fail(what "another namespace") }
  if (!name_matches(pod)) { fail(what "pod name \"" pod "\"") }
  if (!dns_label(uid)) { fail(what "no readable pod uid") }
  if (kind == "sandbox") {
    if (!ds_labels) { fail(what "no DaemonSet labels") }
    sandboxes++; sb_id[sandboxes] = id; sb_pod[sandboxes] = pod; sb_uid[sandboxes] = uid
  } else if (kind == "container") {
    # The name is a DNS label where the kubelet made it; anything else would split the line.
    containers++; c_id[containers] = id; c_uid[containers] = uid
    c_name[containers] = dns_label(name) ? name : "?"
  } else {
    fail(what "kind \"" kind "\"")
  }
}
function bg_ds_print(    i, j, t) {
  # Sandboxes by pod name; each followed by its containers by name, then ID (insertion sorts:
  # a handful of entries).
  for (i = 2; i <= sandboxes; i++) {
    for (j = i; j > 1 && sb_pod[j - 1] > sb_pod[j]; j--) {
      t = sb_pod[j]; sb_pod[j] = sb_pod[j - 1]; sb_pod[j - 1] = t
      t = sb_id[j]; sb_id[j] = sb_id[j - 1]; sb_id[j - 1] = t
      t = sb_uid[j]; sb_uid[j] = sb_uid[j - 1]; sb_uid[j - 1] = t
    }
  }
  for (i = 2; i <= containers; i++) {
    for (j = i; j > 1 && (c_name[j - 1] > c_name[j] || (c_name[j - 1] == c_name[j] && c_id[j - 1] > c_id[j])); j--) {
      t = c_name[j]; c_name[j] = c_name[j - 1]; c_name[j - 1] = t
      t = c_id[j]; c_id[j] = c_id[j - 1]; c_id[j - 1] = t
      t = c_uid[j]; c_uid[j] = c_uid[j - 1]; c_uid[j - 1] = t
    }
  }
  for (i = 1; i <= sandboxes; i++) {
    print "sandbox", sb_uid[i], sb_pod[i], sb_id[i], state_of(sb_id[i])
    for (j = 1; j <= containers; j++) {
      if (c_uid[j] == sb_uid[i]) { print "container", c_uid[j], c_name[j], c_id[j], state_of(c_id[j]) }
    }
  }
}
'

# BG_DS_MATCH_AWK: the ctr path's reader (after BG_JSON_AWK and BG_DS_RULE_AWK). Input: `@bg
# tasks` and `ctr tasks ls` output, then for every listed ID `@bg info ID` and `ctr containers
# info ID` (marker lines cannot occur inside a JSON document: strings hold no raw newline).
BG_DS_MATCH_AWK='
function label(key) { return bg_json_plain("/\"Labels\"/\"" key "\"") }
function has_label(key) { return ("/\"Labels\"/\"" key "\"") in bg_v }
function flush_info() {
  if (section != "info") { return }
  section = ""
  if (!bg_json_end()) { fail("cannot read `ctr containers info " want "`: " bg_err) }
  if (bg_json_plain("/\"ID\"") != want) { fail("`ctr containers info " want "` describes another container") }
  bg_ds_accept(want, label("io.cri-containerd.kind"), label("io.kubernetes.pod.namespace"),
    label("io.kubernetes.pod.name"), label("io.kubernetes.pod.uid"),
    has_label("controller-revision-hash") && has_label("pod-template-generation"),
    label("io.kubernetes.container.name"), "its info shows")
}
/^@bg tasks$/ { flush_info(); section = "tasks"; header = 1; next }
/^@bg info / { flush_info(); section = "info"; want = $3; bg_json_reset(); next }
section == "tasks" {
  if (header) {
    header = 0
    if ($1 != "TASK" || $2 != "PID" || $3 != "STATUS") { fail("unknown `ctr tasks ls` header: " substr($0, 1, 60)) }
    next
  }
  if (NF == 0) { next }
  if (NF != 3 || $2 !~ /^[0-9]+$/ || $3 !~ /^[A-Z]+$/) { fail("unreadable `ctr tasks ls` line: " substr($0, 1, 80)) }
  task_state[$1] = tolower($3); task_pid[$1] = $2
  next
}
section == "info" { bg_json_line($0); next }
END {
  if (failed) { exit 5 }
  flush_info()
  if (failed) { exit 5 }
  bg_ds_print()
}
'

# BG_DS_API_AWK: the API path's reader (after BG_DS_RULE_AWK). Input: `od -An -v -tu1` of what
# curl -D - printed for each call in order (variable calls: "version tasks containers" or
# "tasks containers"), each the response head ("HTTP/2 200", headers, a blank line), the gRPC
# messages (a 0 byte, a 4-byte big-endian length, the protobuf message) and the trailers. curl's
# and od's stderr join the stream, perhaps inside an od line: any line that is not numbers.
# Prints `fact runtime_version V` and `fact read_via api` when version was asked, then
# bg_ds_match's lines; exits 6, printing nothing, when the tools here cannot read containerd's
# answer (see "How" above).
BG_DS_API_AWK='
BEGIN {
  # chr: printable ASCII as itself; any other byte, and the backslash, as \ooo (one to one, so
  # two different texts never read alike, and no control byte reaches a message).
  for (i = 0; i < 256; i++) { chr[i] = (i >= 32 && i < 127 && i != 92) ? sprintf("%c", i) : sprintf("\\%03o", i) }
  split("created running stopped paused pausing", status_name, " "); status_name[0] = "unknown"
  limit = 1048576
}
/[^ 0-9]/ {
  if ($0 ~ /curl: exit [0-9]+$/) {
    if (curl_exit == "") { curl_exit = $NF }
  } else if ($0 ~ /curl: /) {
    if (curl_error == "") {
      curl_error = substr($0, index($0, "curl: "))
      gsub(/[^ -~]/, "?", curl_error); curl_error = substr(curl_error, 1, 160)
    }
  } else {
    other_error = 1 # od (or the shell feeding curl) could not do its part
  }
  next
}
{
  for (i = 1; i <= NF; i++) { b[++n] = $i + 0 }
  if (n > limit) { too_big = 1; exit }
}
function api_fail(why) { fail("containerd API (" method "): " why) }
function text_line(    s) {
  s = ""
  for (; p <= n && b[p] != 10; p++) { if (b[p] != 13) { s = s chr[b[p]] } }
  if (p > n) { api_fail("truncated answer") }
  p++
  return s
}
function at_response() {
  return p + 4 <= n && b[p] == 72 && b[p + 1] == 84 && b[p + 2] == 84 && b[p + 3] == 80 && b[p + 4] == 47
}
function header(line,    name, value) {
  name = tolower(line); sub(/:.*/, "", name)
  value = line; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
  if (name == "grpc-status") { grpc_status = value }
  else if (name == "grpc-message") { grpc_message = value }
  else if (name == "content-type") { content_type = value }
}
# Protobuf over b[q..e-1]: varint(), key() (sets fno, wt), skip() (the field key() read),
# bytes() (a length-delimited field as text, each byte as chr[] spells it: one to one, and
# anything outside printable ASCII fails every check of the rule).
function varint(    v, m, c, count) {
  v = 0; m = 1
  do {
    if (q >= e || ++count > 10) { api_fail("truncated or malformed message") }
    c = b[q++]; v += (c % 128) * m; m *= 128
  } while (c >= 128)
  return v
}
function key(    k) {
  k = varint(); fno = int(k / 8); wt = k % 8
  if (fno == 0) { api_fail("malformed message (field 0)") }
}
function advance(count) {
  if (q + count > e) { api_fail("truncated message") }
  q += count
}
function skip() {
  if (wt == 0) { varint() }
  else if (wt == 1) { advance(8) }
  else if (wt == 5) { advance(4) }
  else if (wt == 2) { advance(varint()) }
  else { api_fail("malformed message (wire type " wt ")") }
}
function bytes(    count, s, end) {
  count = varint(); end = q + count
  if (end > e) { api_fail("truncated message") }
  s = ""
  for (; q < end; q++) { s = s chr[b[q]] }
  return s
}
# enter(): a length-delimited field as the message now read; leave(SAVED) returns to the outer.
function enter(    count, saved) {
  count = varint()
  if (q + count > e) { api_fail("truncated message") }
  saved = e; e = q + count
  return saved
}
function leave(saved) { q = e; e = saved }
function labelv(k) { return (k in lab) ? lab[k] : "" }
# containerd.services.containers.v1.Container: id = 1, labels = 2 (map entries: key = 1, value = 2).
function container(    saved, id, k, v, entry) {
  split("", lab); id = ""
  while (q < e) {
    key()
    if (fno == 1 && wt == 2) { id = bytes() }
    else if (fno == 2 && wt == 2) {
      entry = enter(); k = ""; v = ""
      while (q < e) {
        key()
        if (fno == 1 && wt == 2) { k = bytes() } else if (fno == 2 && wt == 2) { v = bytes() } else { skip() }
      }
      leave(entry)
      if (k in lab) { api_fail("a container has label " substr(k, 1, 60) " twice") }
      lab[k] = v
    } else { skip() }
  }
  if (id !~ /^[0-9A-Za-z_.-]+$/) { api_fail("a listed container has no readable ID") }
  bg_ds_accept(id, labelv("io.cri-containerd.kind"), labelv("io.kubernetes.pod.namespace"),
    labelv("io.kubernetes.pod.name"), labelv("io.kubernetes.pod.uid"),
    ("controller-revision-hash" in lab) && ("pod-template-generation" in lab),
    labelv("io.kubernetes.container.name"), "its labels show")
}
# containerd.v1.types.Process: id = 2 (the task: its container ID), pid = 3, status = 4.
function task(    id, pid, st) {
  id = ""; pid = 0; st = 0
  while (q < e) {
    key()
    if (fno == 2 && wt == 2) { id = bytes() }
    else if (fno == 3 && wt == 0) { pid = varint() }
    else if (fno == 4 && wt == 0) { st = varint() }
    else { skip() }
  }
  # A status this version does not know fails the node only if a matched container has it.
  if (!(st in status_name)) { bad_status[id] = st } else { task_state[id] = status_name[st] }
  task_pid[id] = sprintf("%d", pid)
}
# One response message: ListContainerMessage (container = 1; one per container, streamed),
# ListTasksResponse (tasks = 1) or VersionResponse (version = 1).
function message(    inner) {
  while (q < e) {
    key()
    if (method == "version" && fno == 1 && wt == 2) { version = bytes() }
    else if (method == "containers" && fno == 1 && wt == 2) { inner = enter(); container(); leave(inner) }
    else if (method == "tasks" && fno == 1 && wt == 2) { inner = enter(); task(); leave(inner) }
    else { skip() }
  }
}
function response(    line, count, messages) {
  grpc_status = ""; grpc_message = ""; content_type = ""; messages = 0
  if (p > n) { api_fail("no answer") }
  line = text_line()
  if (line !~ /^HTTP\/2 200 *$/) { api_fail("answered \"" substr(line, 1, 60) "\"") }
  while ((line = text_line()) != "") { header(line) }
  if (grpc_status == "") {
    if (content_type !~ /^application\/grpc([+;]|$)/) { api_fail("answered content-type \"" substr(content_type, 1, 40) "\"") }
    while (p <= n && b[p] < 2) {
      if (b[p] == 1) { api_fail("answered a compressed message") }
      if (p + 4 > n) { api_fail("truncated answer") }
      count = ((b[p + 1] * 256 + b[p + 2]) * 256 + b[p + 3]) * 256 + b[p + 4]
      q = p + 5; e = q + count; p = e
      if (e > n + 1) { api_fail("truncated answer") }
      message(); messages++
    }
    while (p <= n && !at_response()) { line = text_line(); if (line != "") { header(line) } }
  }
  if (grpc_status == "") {
    # The messages came whole and curl succeeded, but no trailers: some curls do not print
    # HTTP/2 trailers with -D. Without grpc-status nothing is trusted: ctr reads.
    if (messages > 0 || method == "containers") { exit 6 }
    api_fail("truncated answer (no grpc-status)")
  }
  if (grpc_status == "12" && method == "containers") { exit 6 } # no ListStream (UNIMPLEMENTED)
  if (grpc_status != "0") {
    api_fail("failed: grpc-status " substr(grpc_status, 1, 8) " " substr(grpc_message, 1, 120))
  }
  if (messages != 1 && method != "containers") { api_fail("answered " messages " messages, not one") }
}
END {
  if (failed) { exit 5 }
  if (too_big) { exit 6 }
  if (curl_exit ~ /^(1|2|4|48)$/) { exit 6 }
  # od could not do its part (curl then fails to write: exit 23, or 141 killed by SIGPIPE).
  if (other_error && curl_exit ~ /^(|23|141)$/) { exit 6 }
  if (curl_exit == "7") {
    # curl names a host and port here; the responder needs the socket.
    fail("containerd API: cannot connect to " socket ": containerd does not answer there (curl exit 7)")
  }
  if (curl_error != "" || curl_exit != "") {
    fail("containerd API through curl: " (curl_error != "" ? curl_error : "curl exit " curl_exit))
  }
  p = 1; count = split(calls, call, " ")
  for (c = 1; c <= count; c++) {
    method = call[c]; response()
    if (method == "version") { # the facts stand even if a later answer fails the node
      if (version !~ /^[A-Za-z0-9._~+-]+$/) { version = "unknown" }
      print "fact runtime_version " version
      print "fact read_via api"
    }
  }
  if (p <= n) { method = "after the last answer"; api_fail("unexpected bytes") }
  bg_ds_print()
}
'

# bg_ds_filters: sets _bg_prefix, and _bg_sandbox_filter and _bg_container_filter, containerd's
# label filters for the rule (see "How" above).
bg_ds_filters() {
  bg_ds_prefix "$DS_NAME"
  # The prefix as a Go regular expression: `.` is the only metacharacter a name can hold.
  _bg_rest=$_bg_prefix
  _bg_re=""
  while :; do
    case $_bg_rest in
      *.*) _bg_re="$_bg_re${_bg_rest%%.*}[.]"; _bg_rest=${_bg_rest#*.} ;;
      *) _bg_re="$_bg_re$_bg_rest"; break ;;
    esac
  done
  _bg_pod='labels."io.kubernetes.pod.namespace"=="'$DS_NAMESPACE'",labels."io.kubernetes.pod.name"~="^'$_bg_re'['$BG_DS_SUFFIX_ALPHABET']{5}$"'
  _bg_sandbox_filter='labels."io.cri-containerd.kind"=="sandbox",'"$_bg_pod"',labels."controller-revision-hash",labels."pod-template-generation"'
  _bg_container_filter='labels."io.cri-containerd.kind"=="container",'"$_bg_pod"
}

# bg_ds_api_byte N: appends byte N (0-255) to _bg_fmt as a printf octal escape (no subprocess).
bg_ds_api_byte() {
  _bg_fmt="$_bg_fmt\\$(($1 / 64))$(($1 / 8 % 8))$(($1 % 8))"
}

# bg_ds_api_string TEXT: appends field 1 as a protobuf string (tag, varint length, then TEXT as
# printf's %s) to _bg_fmt, its size to _bg_size. TEXT is ASCII, shorter than 16384 bytes.
bg_ds_api_string() {
  bg_ds_api_byte 10
  if [ "${#1}" -lt 128 ]; then
    bg_ds_api_byte "${#1}"
    _bg_size=$((_bg_size + 2 + ${#1}))
  else
    bg_ds_api_byte $((${#1} % 128 + 128))
    bg_ds_api_byte $((${#1} / 128))
    _bg_size=$((_bg_size + 3 + ${#1}))
  fi
  _bg_fmt="$_bg_fmt%s"
}

# bg_ds_api_call METHOD FORMAT ARGS...: one call of containerd.services.METHOD in namespace
# k8s.io, its request printf FORMAT ARGS (a gRPC frame). curl -q ignores any .curlrc; proxies are
# never used; a containerd that takes the connection but never answers fails the call after 20
# seconds (curl exit 28), inside the playbook step's own timeout. A failure adds `curl: exit N`
# to curl's own message on stderr.
bg_ds_api_call() {
  _bg_method=$1
  shift
  printf "$@" | "$_bg_curl" -q -sS --http2-prior-knowledge --noproxy '*' --max-time 20 --unix-socket "$_bg_socket" \
    -H 'content-type: application/grpc' -H 'te: trailers' -H 'containerd-namespace: k8s.io' \
    -D - --data-binary @- "http://containerd/containerd.services.$_bg_method" ||
    echo "curl: exit $?" >&2
}

# bg_ds_api_list_request: sets the filters (bg_ds_filters) and _bg_request, the printf format
# of the Containers/ListStream request with them (ARGS: "$_bg_sandbox_filter" "$_bg_container_filter").
bg_ds_api_list_request() {
  bg_ds_filters
  _bg_fmt="" _bg_size=0
  bg_ds_api_string "$_bg_sandbox_filter"
  bg_ds_api_string "$_bg_container_filter"
  _bg_request=$_bg_fmt
  _bg_fmt=""
  for _bg_byte in 0 0 0 $((_bg_size / 256)) $((_bg_size % 256)); do bg_ds_api_byte "$_bg_byte"; done
  _bg_request=$_bg_fmt$_bg_request
}

# bg_ds_api_match WITH-VERSION(yes|no): bg_ds_match through containerd's API (see "How" above);
# with yes, first the facts runtime_version and read_via. Returns 6, printing nothing, when curl
# cannot speak HTTP/2 here.
bg_ds_api_match() {
  bg_ds_api_list_request
  if [ "$1" = yes ]; then bg_ds_api_read version tasks containers; else bg_ds_api_read tasks containers; fi
}

# bg_ds_api_read CALL...: the calls (version, tasks, containers; containers needs
# bg_ds_api_list_request first) in that order, read by BG_DS_API_AWK.
bg_ds_api_read() {
  # curl would only say it could not connect; ctr says why.
  [ -w "$_bg_socket" ] ||
    { bg_ds_fail 5 "permission denied on $_bg_socket: containerd's socket is root's (run with become)"; return; }
  _bg_calls=$*
  {
    {
      for _bg_call; do
        case $_bg_call in
          version) bg_ds_api_call version.v1.Version/Version '\000\000\000\000\000' ;;
          tasks) bg_ds_api_call tasks.v1.Tasks/List '\000\000\000\000\000' ;;
          containers) bg_ds_api_call containers.v1.Containers/ListStream "$_bg_request" "$_bg_sandbox_filter" "$_bg_container_filter" ;;
        esac
      done
    } 2>&4 | od -An -v -tu1 2>&4
  } 4>&1 | LC_ALL=C awk -v ns="${DS_NAMESPACE-}" -v prefix="${_bg_prefix-}" -v calls="$_bg_calls" \
    -v socket="$_bg_socket" "$BG_DS_RULE_AWK$BG_DS_API_AWK"
}

# bg_ds_api_probe: whether bg_ds_match would read through containerd's API here, once
# bg_ds_check_runtime succeeded: 0 when Version/Version answers through curl (printing the facts
# runtime_version and read_via), 6 when this node's tools leave reading to ctr (printing
# nothing), 5 when the call fails (the reason on stderr), 1 without curl.
bg_ds_api_probe() {
  [ -n "$_bg_curl" ] || return 1
  bg_ds_api_read version
}

# bg_ds_ctr_match: bg_ds_match through ctr (see "How" above).
bg_ds_ctr_match() {
  bg_ds_filters
  bg_ds_ctr_read tasks ls || return
  _bg_tasks=$_bg_out
  bg_ds_ctr_read containers ls -q "$_bg_sandbox_filter" "$_bg_container_filter" || return
  _bg_ids=$_bg_out
  _bg_docs="@bg tasks
$_bg_tasks"
  while read -r _bg_id _bg_extra; do
    [ -n "$_bg_id" ] || continue
    case $_bg_id$_bg_extra in
      *[!0-9A-Za-z_.-]*) bg_ds_fail 5 "ctr containers ls printed '$_bg_id $_bg_extra', not a container ID"; return ;;
    esac
    # Deleted since the listing (the kubelet's garbage collection): gone, not unreadable.
    if ! bg_ds_ctr_read containers info "$_bg_id" 2>/dev/null; then
      case $_bg_out in
        *"not found"*) continue ;;
      esac
      bg_ds_fail 5 "ctr containers info failed: $(printf '%s' "$_bg_out" | tr '\n' ' ')"
      return
    fi
    _bg_docs="$_bg_docs
@bg info $_bg_id
$_bg_out"
  done <<BG_DS_IDS
$_bg_ids
BG_DS_IDS
  printf '%s\n' "$_bg_docs" | awk -v ns="$DS_NAMESPACE" -v prefix="$_bg_prefix" "$BG_JSON_AWK$BG_DS_RULE_AWK$BG_DS_MATCH_AWK"
}

# bg_ds_match [--facts]: the lines above; with --facts, first the runtime's facts (runtime,
# runtime_socket, runtime_version and read_via; see bg_ds_facts), as far as they are known when
# the runtime check fails.
bg_ds_match() {
  bg_ds_valid_name "${DS_NAMESPACE-}" 63 ||
    { bg_ds_fail 2 "DS_NAMESPACE '${DS_NAMESPACE-}' is not a Kubernetes namespace"; return; }
  bg_ds_valid_name "${DS_NAME-}" 253 ||
    { bg_ds_fail 2 "DS_NAME '${DS_NAME-}' is not a Kubernetes object name"; return; }
  _bg_runtime="" _bg_status=0
  bg_ds_check_runtime || _bg_status=$?
  if [ "$_bg_status" -ne 0 ]; then
    # ctr or crictl without a socket, or none at all.
    [ "${1-}" != --facts ] || echo "fact runtime ${_bg_runtime:-none}"
    return "$_bg_status"
  fi
  if [ "${1-}" = --facts ]; then
    echo "fact runtime $_bg_runtime"
    echo "fact runtime_socket $_bg_socket"
  fi
  if [ "$_bg_runtime" = crictl ]; then
    # A playbook that does not inline daemonset_crictl.sh cannot use crictl: say so, not "not found".
    command -v bg_ds_crictl_match >/dev/null 2>&1 ||
      { bg_ds_fail 3 "ctr not found, and this playbook does not include daemonset_crictl.sh for crictl"; return; }
    [ "${1-}" != --facts ] || bg_ds_runtime_facts
    bg_ds_crictl_match
    return
  fi
  if [ -n "$_bg_curl" ]; then
    _bg_status=0 _bg_with=no
    [ "${1-}" != --facts ] || _bg_with=yes
    bg_ds_api_match "$_bg_with" || _bg_status=$?
    [ "$_bg_status" -eq 6 ] || return "$_bg_status"
    _bg_curl="" # this curl cannot speak HTTP/2: ctr reads
  fi
  [ "${1-}" != --facts ] || bg_ds_runtime_facts
  bg_ds_ctr_match
}

# bg_ds_facts: what a responder needs to know of this node, as `fact KEY VALUE` lines
# (containment/node_report.hpp): cgroup (v1, v2 or hybrid), runtime (ctr, crictl or none),
# runtime_version (containerd's, as the runtime reports it), read_via (what the state was read
# through: api, containerd's gRPC API with curl; ctr; crictl), runtime_socket, kubelet_unit,
# kubelet_state (systemctl is-active's word, or no-systemctl), kubelet_hold (none, or the epoch
# second its automatic release is due: kubelet_hold.sh's record). The runtime's come from
# bg_ds_match --facts, with the state it reads (the API's Version/Version, else `ctr version`
# or `crictl version`); this one starts `systemctl is-active` and nothing else.
bg_ds_facts() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo "fact cgroup v2"
  elif [ -d /sys/fs/cgroup/unified ]; then
    echo "fact cgroup hybrid"
  else
    echo "fact cgroup v1"
  fi
  if bg_ds_kubelet_unit 2>/dev/null; then
    echo "fact kubelet_unit $_bg_unit"
    if command -v systemctl >/dev/null 2>&1; then
      _bg_state=$(systemctl is-active "$_bg_unit" 2>/dev/null) || :
      echo "fact kubelet_state ${_bg_state:-unknown}"
    else
      echo "fact kubelet_state no-systemctl"
    fi
  fi
  _bg_until=none
  if [ -f /run/breakglass/kubelet-hold ]; then
    while IFS='=' read -r _bg_key _bg_value; do
      case $_bg_key:$_bg_value in
        until:*[!0-9]* | until:) ;;
        until:*) _bg_until=$_bg_value ;;
      esac
    done </run/breakglass/kubelet-hold
  fi
  echo "fact kubelet_hold $_bg_until"
}

# bg_ds_runtime_facts: runtime_version and read_via through ctr or crictl, once
# bg_ds_check_runtime succeeded.
bg_ds_runtime_facts() {
  echo "fact read_via $_bg_runtime"
  _bg_version=unknown
  if [ "$_bg_runtime" = ctr ]; then
    # `ctr version`: a Client: block, then a Server: block, each with "  Version:  X".
    if bg_ds_ctr_read version; then
      _bg_in=""
      while read -r _bg_key _bg_value _bg_extra; do
        case $_bg_key in
          Server:) _bg_in=server ;;
          Version:) [ "$_bg_in" != server ] || [ -z "$_bg_value" ] || _bg_version=$_bg_value ;;
        esac
      done <<BG_DS_VERSION
$_bg_out
BG_DS_VERSION
    fi 2>/dev/null
  elif _bg_out=$("$_bg_crictl" --runtime-endpoint "$_bg_endpoint" --image-endpoint "$_bg_endpoint" version 2>/dev/null); then
    # `crictl version`: "RuntimeName: containerd" and "RuntimeVersion: v1.7.x" lines.
    while read -r _bg_key _bg_value _bg_extra; do
      [ "$_bg_key" != RuntimeVersion: ] || [ -z "$_bg_value" ] || _bg_version=$_bg_value
    done <<BG_DS_VERSION
$_bg_out
BG_DS_VERSION
  fi
  case $_bg_version in *[!A-Za-z0-9._~+-]*) _bg_version=unknown ;; esac
  echo "fact runtime_version $_bg_version"
}

# The whole of daemonset-status: the node's facts, then bg_ds_match's lines. The facts that need
# no runtime are printed even when the runtime check fails.
bg_ds_status() {
  bg_ds_facts
  bg_ds_match --facts
}
