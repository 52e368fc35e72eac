# pod_isolation.sh: drop the egress of the pods bg_ds_match finds, inside each pod's own network
# namespace, and undo it. Needs daemonset_match.sh, daemonset_crictl.sh (nodes without ctr) and
# daemonset_actions.sh before it (the playbooks inline all four, in that order). POSIX sh; needs iptables (ip6tables for IPv6),
# iptables-restore and nsenter on the node.
#
# Records (containment/node_report.hpp), one per pod, after the snapshot:
#   change    sandbox ID open isolated | isolated open | isolated isolated (other destinations)
#   unchanged sandbox ID isolated | open | stopped    (stopped: no process, so no namespace)
#   caveat    isolation-not-guaranteed POD CONTAINER WHY   (after a pod's change or unchanged
#             line: a live container that holds or can gain CAP_NET_ADMIN or CAP_NET_RAW; the pod
#             is isolated all the same, see bg_pi_capabilities)
# Failures: 2 bad destinations, 5 iptables failed or missing, 7 isolate found a pod in the node's
# network namespace (hostNetwork; unisolate reports it open and leaves it alone), 8 verify found
# pods with a live task not in the wanted state, 10 a pod's rules could not be read (never taken
# as open or isolated).
#
# How: a chain BREAKGLASS-ISOLATE in the filter table of the pod's namespace (IPv4, and IPv6 when
# the namespace has it), loopback first (RETURN), then DROP for every destination (or for all),
# jumped to from the top of OUTPUT by a rule whose comment names the destinations
# (bg-isolate:all or bg-isolate:CKSUM), so that a second run can tell "already isolated like
# this" from "isolated otherwise". Each change is one iptables-restore --noflush: atomic. A pod
# counts as isolated only when its rules are exactly those (bg_pi_family_state), never by the
# comment alone, which the pod could write itself.
#
# Why it holds: the rules live in the pod's namespace, which the kubelet never looks at; a
# container the kubelet recreates joins the same sandbox namespace and is isolated too. A sandbox
# the kubelet recreates gets a fresh namespace: run isolate again. Pods in the node's own network
# namespace (hostNetwork) are refused: rules there would cut the node itself. Telling their
# traffic apart needs iptables' cgroup match on cgroup v2 paths, which this library does not do.
#
# What it cannot stop: a container with CAP_NET_ADMIN can remove the rules once verify has
# passed, and one with CAP_NET_RAW can send frames through packet sockets, which iptables never
# sees; such pods get a caveat (isolated all the same). Nor does it touch anything but the
# network: shared volumes, the node's files, other pods reached through them.

BG_PI_CHAIN=BREAKGLASS-ISOLATE

# bg_pi_destinations LIST: LIST is "all" or comma-separated IPv4/IPv6 addresses or CIDRs. Sets
# _bg_pi_v4 and _bg_pi_v6 (space-separated, "all" in both for all) and _bg_pi_tag; 2 when bad.
bg_pi_destinations() {
  _bg_pi_v4="" _bg_pi_v6=""
  if [ "$1" = all ]; then
    _bg_pi_v4=all _bg_pi_v6=all _bg_pi_tag=all
    return 0
  fi
  [ -n "$1" ] || { bg_fail 2 "destinations is empty (give 'all' for all egress but loopback)"; return; }
  case $1 in
    ,* | *, | *,,*) bg_fail 2 "destinations '$1' has an empty entry"; return ;;
  esac
  _bg_pi_sorted=$(printf '%s\n' "$1" | tr ',' '\n' | sort -u)
  for _bg_pi_dest in $_bg_pi_sorted; do
    if bg_pi_valid_ipv4 "$_bg_pi_dest"; then
      _bg_pi_v4="$_bg_pi_v4 $_bg_pi_dest"
    elif bg_pi_valid_ipv6 "$_bg_pi_dest"; then
      _bg_pi_v6="$_bg_pi_v6 $_bg_pi_dest"
    else
      bg_fail 2 "destination '$_bg_pi_dest' is not an IPv4 or IPv6 address or CIDR"
      return
    fi
  done
  _bg_pi_tag=$(printf '%s\n' "$_bg_pi_sorted" | cksum | cut -d' ' -f1)
}

bg_pi_valid_ipv4() { # a.b.c.d or a.b.c.d/n, each byte 0-255, n 0-32
  case $1 in *[!0-9./]* | "" | */*/*) return 1 ;; esac
  printf '%s\n' "$1" | awk -F'[./]' '
    NF != 4 && NF != 5 { exit 1 }
    { for (i = 1; i <= NF; i++) if ($i !~ /^[0-9]+$/ || length($i) > 3) exit 1
      for (i = 1; i <= 4; i++) if ($i > 255) exit 1
      if (NF == 5 && $5 > 32) exit 1 }'
}

bg_pi_valid_ipv6() { # hex groups and colons (iptables judges the rest), optional /n up to 128
  case $1 in *[!0-9a-fA-F:./]* | "" | */*/* | *:::* | [!0-9a-fA-F:]*) return 1 ;; esac
  case $1 in *:*) ;; *) return 1 ;; esac
  case $1 in
    */*) _bg_pi_len=${1#*/}; [ -n "$_bg_pi_len" ] && [ "$_bg_pi_len" -le 128 ] 2>/dev/null ;;
  esac
}

bg_pi_tools() { # NEEDS_V6(0|1)
  for _bg_pi_tool in nsenter iptables iptables-restore; do
    command -v "$_bg_pi_tool" >/dev/null 2>&1 ||
      { bg_fail 5 "$_bg_pi_tool not found: isolation needs iptables and nsenter on the node"; return; }
  done
  [ "$1" = 0 ] && return 0
  for _bg_pi_tool in ip6tables ip6tables-restore; do
    command -v "$_bg_pi_tool" >/dev/null 2>&1 ||
      { bg_fail 5 "$_bg_pi_tool not found: IPv6 destinations need it"; return; }
  done
}

# bg_pi_pods: one line per pod of $_bg_snapshot: SANDBOX-ID POD-NAME and the PIDs of its live
# tasks (sandbox first). Each of them may hold a network namespace of the pod.
bg_pi_pods() {
  printf '%s\n' "$_bg_snapshot" | awk '
    $1 == "sandbox" { if (line != "") print line; line = $4 " " $3; if ($6 > 0) line = line " " $6; next }
    $1 == "container" && $6 > 0 { line = line " " $6 }
    END { if (line != "") print line }'
}

# bg_pi_namespaces PID...: "PID NETNS" for the first live PID of each distinct namespace.
bg_pi_namespaces() {
  for _bg_pi_pid in "$@"; do
    readlink "/proc/$_bg_pi_pid/ns/net" 2>/dev/null | sed "s/^/$_bg_pi_pid /"
  done | awk '!seen[$2]++'
}

# bg_pi_refuse_host_network: exit 7 when a matched pod shares the node's network namespace
# (that of PID 1 or of this shell), before anything changes.
bg_pi_refuse_host_network() {
  _bg_pi_host=$(readlink /proc/1/ns/net) _bg_pi_self=$(readlink /proc/$$/ns/net)
  while read -r _bg_pi_sandbox _bg_pi_pod _bg_pi_pids; do
    [ -n "$_bg_pi_sandbox" ] || continue
    # shellcheck disable=SC2086 # PIDs are words
    for _bg_pi_ns in $(bg_pi_namespaces $_bg_pi_pids | cut -d' ' -f2); do
      [ "$_bg_pi_ns" = "$_bg_pi_host" ] || [ "$_bg_pi_ns" = "$_bg_pi_self" ] || continue
      _bg_pi_why="its containers are in cgroup v1 hierarchies, so no cgroup-v2 match is available"
      grep -qv '^0::' "/proc/${_bg_pi_pids%% *}/cgroup" 2>/dev/null ||
        _bg_pi_why="a cgroup-v2 match is not implemented by this playbook"
      bg_fail 7 "pod $_bg_pi_pod uses the node's network namespace (hostNetwork): egress rules there would cut the node itself, and $_bg_pi_why; refused"
      return
    done
  done <<BG_PI_PODS
$(bg_pi_pods)
BG_PI_PODS
}

# bg_pi_read PID FAMILY(iptables|ip6tables): the filter table of PID's namespace as `FAMILY -S`
# prints it, into _bg_pi_listing. An error, or a listing without OUTPUT's policy line, is
# failure 10 with iptables' own words: rules that cannot be read are never taken as open.
bg_pi_read() {
  if ! _bg_pi_listing=$(nsenter -t "$1" -n "$2" -w -S 2>/dev/null); then
    _bg_pi_rc=$?
    _bg_pi_err=$(nsenter -t "$1" -n "$2" -w -S 2>&1 >/dev/null | tr '\n' ' ')
    bg_fail 10 "cannot read the $2 rules in the network namespace of pid $1: ${_bg_pi_err:-exit status $_bg_pi_rc}"
    return
  fi
  case $_bg_pi_listing in
    *"-P OUTPUT "*) ;;
    *) bg_fail 10 "cannot read the $2 rules in the network namespace of pid $1: no OUTPUT chain in what $2 -S printed"; return ;;
  esac
}

bg_pi_has_v6() { [ -e "/proc/$1/net/if_inet6" ]; }

# bg_pi_family_state PID FAMILY DESTS: how FAMILY's rules in PID's namespace stand against DESTS
# (what isolate writes for this family: "all", space-separated destinations, or empty for
# nothing). Prints none (no jump to the chain), ok (exactly what isolate writes for DESTS:
# nothing for empty DESTS) or other. Checked rule by rule, not by the jump's comment, which
# anyone with CAP_NET_ADMIN in the pod can write: OUTPUT's first rule is the one jump, the chain
# holds the loopback RETURN and one DROP per destination (each found by `FAMILY -C`, which
# compares addresses as iptables normalises them) and nothing else. Fails as bg_pi_read.
bg_pi_family_state() {
  bg_pi_read "$1" "$2" || return
  _bg_pi_count=0
  for _bg_pi_dest in $3; do _bg_pi_count=$((_bg_pi_count + 1)); done
  _bg_pi_shape=$(printf '%s\n' "$_bg_pi_listing" | awk -v chain="$BG_PI_CHAIN" -v tag="$_bg_pi_tag" \
    -v dests="$3" -v count="$_bg_pi_count" '
    $1 == "-A" && ($NF == chain && ($(NF - 1) == "-j" || $(NF - 1) == "-g")) && $2 != chain { jumps++ }
    $1 == "-A" && $2 == "OUTPUT" && ++outputs == 1 {
      first = ($0 == "-A OUTPUT -m comment --comment \"bg-isolate:" tag "\" -j " chain ||
               $0 == "-A OUTPUT -m comment --comment bg-isolate:" tag " -j " chain)
    }
    $1 == "-A" && $2 == chain {
      if (++rules == 1) { bad += $0 != "-A " chain " -o lo -j RETURN" }
      else if (dests == "all") { bad += $0 != "-A " chain " -j DROP" }
      else { bad += !(NF == 6 && $3 == "-d" && $5 == "-j" && $6 == "DROP") }
    }
    END {
      if (jumps == 0) { print "none"; exit }
      if (dests == "" || !first || jumps != 1 || bad) { print "other"; exit }
      print (rules == 1 + (dests == "all" ? 1 : count) ? "shape" : "other")
    }')
  if [ "$_bg_pi_shape" = shape ] && [ "$3" != all ]; then
    for _bg_pi_dest in $3; do
      _bg_pi_rc=0
      nsenter -t "$1" -n "$2" -w -C "$BG_PI_CHAIN" -d "$_bg_pi_dest" -j DROP >/dev/null 2>&1 || _bg_pi_rc=$?
      case $_bg_pi_rc in
        0) ;;
        1) _bg_pi_shape=other; break ;;
        *) bg_fail 10 "cannot check the $2 rule for $_bg_pi_dest in the network namespace of pid $1 (exit status $_bg_pi_rc)"; return ;;
      esac
    done
  fi
  case $_bg_pi_shape in
    shape) echo ok ;;
    none) echo none ;;
    *) echo other ;;
  esac
}

# bg_pi_ns_state PID: isolated (as $_bg_pi_v4/$_bg_pi_v6 ask), other (isolated otherwise, or
# rules breakglass did not write) or open (no jump to the chain). Fails as bg_pi_read.
bg_pi_ns_state() {
  _bg_pi_s4=$(bg_pi_family_state "$1" iptables "$_bg_pi_v4") || return
  _bg_pi_s6=none
  if bg_pi_has_v6 "$1"; then
    if command -v ip6tables >/dev/null 2>&1; then
      _bg_pi_s6=$(bg_pi_family_state "$1" ip6tables "$_bg_pi_v6") || return
    elif [ -n "$_bg_pi_v6" ]; then
      bg_fail 10 "ip6tables not found: cannot read the IPv6 rules of the namespace of pid $1"
      return
    fi
  fi
  _bg_pi_ok4=$_bg_pi_s4 _bg_pi_ok6=$_bg_pi_s6
  [ -n "$_bg_pi_v4" ] || [ "$_bg_pi_s4" != none ] || _bg_pi_ok4=ok
  { [ -n "$_bg_pi_v6" ] && bg_pi_has_v6 "$1"; } || [ "$_bg_pi_s6" != none ] || _bg_pi_ok6=ok
  if [ "$_bg_pi_s4:$_bg_pi_s6" = none:none ]; then
    echo open
  elif [ "$_bg_pi_ok4:$_bg_pi_ok6" = ok:ok ]; then
    echo isolated
  else
    echo other
  fi
}

# bg_pi_restore PID FAMILY DESTS: replace the chain in one iptables-restore (DESTS empty: remove).
# Every jump or goto to the chain goes, wherever it is, so that none is left above the new one
# and the chain can be deleted. Fails as bg_pi_read, or 5 when iptables-restore fails.
bg_pi_restore() {
  bg_pi_read "$1" "$2" || return
  _bg_pi_jumps=$(printf '%s\n' "$_bg_pi_listing" | awk -v chain="$BG_PI_CHAIN" '
    $1 == "-A" && $2 != chain && $NF == chain && ($(NF - 1) == "-j" || $(NF - 1) == "-g") {
      sub(/^-A /, "-D "); print }')
  if [ -z "$3" ]; then
    [ -n "$_bg_pi_jumps" ] || printf '%s\n' "$_bg_pi_listing" | grep -qx -- "-N $BG_PI_CHAIN" || return 0
    _bg_pi_rules=$(printf '%s\n%s\n-F %s\n-X %s\n' "*filter" "$_bg_pi_jumps" "$BG_PI_CHAIN" "$BG_PI_CHAIN")
  else
    _bg_pi_rules=$(
      printf '*filter\n:%s - [0:0]\n-A %s -o lo -j RETURN\n' "$BG_PI_CHAIN" "$BG_PI_CHAIN"
      if [ "$3" = all ]; then
        printf -- '-A %s -j DROP\n' "$BG_PI_CHAIN"
      else
        for _bg_pi_dest in $3; do printf -- '-A %s -d %s -j DROP\n' "$BG_PI_CHAIN" "$_bg_pi_dest"; done
      fi
      [ -z "$_bg_pi_jumps" ] || printf '%s\n' "$_bg_pi_jumps"
      printf -- '-I OUTPUT 1 -m comment --comment bg-isolate:%s -j %s\n' "$_bg_pi_tag" "$BG_PI_CHAIN")
  fi
  _bg_pi_out=$(printf '%s\nCOMMIT\n' "$_bg_pi_rules" | nsenter -t "$1" -n "$2-restore" -w --noflush 2>&1) ||
    { bg_fail 5 "$2-restore in the namespace of pid $1 failed: $(printf '%s' "$_bg_pi_out" | tr '\n' ' ')"; return; }
}

# bg_pi_each_pod FUNCTION: FUNCTION SANDBOX-ID POD-NAME PID... for every pod of the snapshot.
bg_pi_each_pod() {
  while read -r _bg_pi_sandbox _bg_pi_pod _bg_pi_pids; do
    [ -n "$_bg_pi_sandbox" ] || continue
    # shellcheck disable=SC2086 # PIDs are words
    "$1" "$_bg_pi_sandbox" "$_bg_pi_pod" $_bg_pi_pids || return
  done <<BG_PI_EACH
$(bg_pi_pods)
BG_PI_EACH
}

# bg_pi_pod_state SANDBOX POD PID...: prints the pod's state: stopped (no live task), host (in
# the node's network namespace: never touched), isolated (every namespace as wanted), other, open.
# Fails as bg_pi_read.
bg_pi_pod_state() {
  shift 2
  _bg_pi_pairs=$(bg_pi_namespaces "$@")
  [ -n "$_bg_pi_pairs" ] || { echo stopped; return; }
  # Compared with [ =, never as case patterns: "net:[N]" would be a bracket expression there.
  _bg_pi_host=$(readlink /proc/1/ns/net) _bg_pi_self=$(readlink /proc/$$/ns/net)
  for _bg_pi_ns in $(printf '%s\n' "$_bg_pi_pairs" | cut -d' ' -f2); do
    if [ "$_bg_pi_ns" = "$_bg_pi_host" ] || [ "$_bg_pi_ns" = "$_bg_pi_self" ]; then
      echo host
      return
    fi
  done
  _bg_pi_netns=$(printf '%s\n' "$_bg_pi_pairs" | cut -d' ' -f1 | tr '\n' ' ')
  _bg_pi_all=" "
  for _bg_pi_pid in $_bg_pi_netns; do
    _bg_pi_one=$(bg_pi_ns_state "$_bg_pi_pid") || return
    _bg_pi_all="$_bg_pi_all$_bg_pi_one "
  done
  case $_bg_pi_all in
    *" other "* | *" open "*" isolated "* | *" isolated "*" open "*) echo other ;; # mixed
    *" open "*) echo open ;;
    *) echo isolated ;;
  esac
}

# bg_pi_capabilities PID: which of CAP_NET_ADMIN (can rewrite the rules) and CAP_NET_RAW (packet
# sockets: frames iptables never sees) the task holds, or can gain: in its effective or permitted
# set, or in its bounding set while no_new_privs is off (a setuid-root or file-capability program
# in the image raises it to that). Comma-separated, empty for neither; "capabilities-unreadable"
# when /proc/PID/status says nothing usable (the task ended, or another kernel's format).
bg_pi_capabilities() {
  awk '
    # CAP_NET_ADMIN is bit 12 and CAP_NET_RAW bit 13 of these hex masks: the 4th digit from the right.
    function digit(mask) {
      if (mask !~ /^[0-9a-fA-F]+$/ || length(mask) < 4) { unreadable = 1; return 0 }
      return index("123456789abcdef", tolower(substr(mask, length(mask) - 3, 1)))
    }
    $1 == "CapEff:" || $1 == "CapPrm:" { held = or_bits(held, digit($2)); seen++ }
    $1 == "CapBnd:" { bounding = digit($2); seen++ }
    $1 == "NoNewPrivs:" { nnp = $2 }
    function or_bits(a, b) { return (a % 2 || b % 2) + 2 * (int(a / 2) % 2 || int(b / 2) % 2) }
    END {
      if (unreadable || seen != 3) { print "capabilities-unreadable"; exit }
      if (nnp != "1") { held = or_bits(held, bounding) }
      out = held % 2 ? "CAP_NET_ADMIN" : ""
      if (int(held / 2) % 2) { out = out (out == "" ? "" : ",") "CAP_NET_RAW" }
      print out
    }' 2>/dev/null <"/proc/$1/status" || echo capabilities-unreadable
}

# bg_pi_caveats SANDBOX POD: `caveat isolation-not-guaranteed POD CONTAINER WHY` for each live
# container of the pod whose capabilities let it get round the rules (see bg_pi_capabilities).
# Only the containers: the sandbox's pause process runs the node's image, not the workload's.
bg_pi_caveats() {
  printf '%s\n' "$_bg_snapshot" | awk -v sandbox="$1" '
    $1 == "sandbox" { in_pod = $4 == sandbox }
    $1 == "container" && in_pod && $6 > 0 { print $3, $6 }' |
    while read -r _bg_pi_name _bg_pi_cpid; do
      _bg_pi_caps=$(bg_pi_capabilities "$_bg_pi_cpid")
      [ -z "$_bg_pi_caps" ] || echo "caveat isolation-not-guaranteed $2 $_bg_pi_name $_bg_pi_caps"
    done
}

bg_pi_isolate_one() { # SANDBOX POD PID...
  _bg_pi_state=$(bg_pi_pod_state "$@") || return
  _bg_pi_netns=$(shift 2; bg_pi_namespaces "$@" | cut -d' ' -f1 | tr '\n' ' ')
  case $_bg_pi_state in
    stopped) echo "unchanged sandbox $1 stopped"; return 0 ;;
    isolated) echo "unchanged sandbox $1 isolated"; bg_pi_caveats "$1" "$2"; return 0 ;;
    host) bg_fail 7 "pod $2 is in the node's network namespace"; return ;; # refused before
    other) echo "note pod $2: its $BG_PI_CHAIN rules are not the ones this isolation writes (other destinations, or changed since): replaced" ;;
  esac
  for _bg_pi_pid in $_bg_pi_netns; do
    # An empty list removes a family's chain left by an earlier run with other destinations.
    bg_pi_restore "$_bg_pi_pid" iptables "$_bg_pi_v4" || return
    if bg_pi_has_v6 "$_bg_pi_pid" && { [ -n "$_bg_pi_v6" ] || command -v ip6tables >/dev/null 2>&1; }; then
      bg_pi_restore "$_bg_pi_pid" ip6tables "$_bg_pi_v6" || return
    fi
  done
  echo "change sandbox $1 $([ "$_bg_pi_state" = other ] && echo isolated || echo open) isolated"
  bg_pi_caveats "$1" "$2"
}

bg_pi_unisolate_one() { # SANDBOX POD PID...
  _bg_pi_state=$(bg_pi_pod_state "$@") || return
  _bg_pi_netns=$(shift 2; bg_pi_namespaces "$@" | cut -d' ' -f1 | tr '\n' ' ')
  case $_bg_pi_state in
    stopped | open) echo "unchanged sandbox $1 $_bg_pi_state"; return 0 ;;
    host)
      echo "unchanged sandbox $1 open"
      echo "note pod $2 is in the node's network namespace: isolate never changes it"
      return 0 ;;
  esac
  for _bg_pi_pid in $_bg_pi_netns; do
    bg_pi_restore "$_bg_pi_pid" iptables "" || return
    if bg_pi_has_v6 "$_bg_pi_pid" && command -v ip6tables >/dev/null 2>&1; then
      bg_pi_restore "$_bg_pi_pid" ip6tables "" || return
    fi
  done
  echo "change sandbox $1 isolated open"
}

# The whole of daemonset-isolate: DESTINATIONS ("all" or a comma-separated list).
bg_pi_isolate() {
  bg_pi_destinations "$1" || return
  bg_ds_snapshot || return
  [ -n "$_bg_snapshot" ] || return 0
  _bg_pi_needs6=0
  [ -z "$_bg_pi_v6" ] || _bg_pi_needs6=1
  bg_pi_tools "$_bg_pi_needs6" || return
  bg_pi_refuse_host_network || return
  if [ "$_bg_pi_tag" = all ]; then
    echo "note dropping all egress but loopback"
  else
    echo "note dropping egress to$_bg_pi_v4$_bg_pi_v6"
  fi
  bg_pi_each_pod bg_pi_isolate_one
}

# The whole of daemonset-unisolate.
bg_pi_unisolate() {
  _bg_pi_tag="" _bg_pi_v4="" _bg_pi_v6=""
  bg_ds_snapshot || return
  [ -n "$_bg_snapshot" ] || return 0
  bg_pi_tools 0 || return
  bg_pi_each_pod bg_pi_unisolate_one
}

# bg_pi_verify WANT DESTINATIONS: the snapshot and `remaining N`, N the pods with a live task not
# in state WANT (isolated as DESTINATIONS asks, or open); 8 when N > 0.
bg_pi_verify() {
  if [ "$1" = isolated ]; then bg_pi_destinations "$2" || return; else _bg_pi_tag="" _bg_pi_v4="" _bg_pi_v6=""; fi
  _bg_pi_want=$1
  bg_ds_snapshot || return
  _bg_pi_states=$(bg_pi_each_pod bg_pi_count_one) || return
  _bg_pi_remaining=$(printf '%s' "$_bg_pi_states" | grep -c . || :)
  echo "remaining $_bg_pi_remaining"
  [ "$_bg_pi_remaining" -eq 0 ] || bg_fail 8 "$_bg_pi_remaining matched pods not $1 after the action"
}

bg_pi_count_one() { # prints a line for a live pod not in the wanted state ($_bg_pi_want)
  _bg_pi_state=$(bg_pi_pod_state "$@") || return
  [ "$_bg_pi_state:$_bg_pi_want" = host:open ] && return 0
  [ "$_bg_pi_state" = stopped ] || [ "$_bg_pi_state" = "$_bg_pi_want" ] || echo "$1"
}
