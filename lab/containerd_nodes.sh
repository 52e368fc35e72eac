# lab/fleet's containerd nodes (`up --containerd`), sourced by lab/fleet: one private mount
# namespace per node holding its own containerd, kubelet stand-in and sshd (lab/node/start).

readonly NODE_SCRIPTS=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/node
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/pod_network.sh"
readonly MAX_CONTAINERD_NODES=64

# Every process of a fleet's containerd nodes lives in cgroup /bglab-NAME (daemons in
# NODE/daemons of the pids and freezer hierarchies, containers of a v1 node in NODE/ID of all of
# them; a v2 node's processes also in NODE/... of the unified hierarchy):
# freeze it so nothing forks, SIGKILL every member, thaw (a frozen task only dies once thawed,
# and `ctr tasks pause` freezes containers one by one), then remove the cgroups. Processes and
# cgroups vanish while this walks them: no step may fail on what is already gone (lab/fleet
# runs under `set -e`).
kill_cgroups() {
  local cg=$1 freezer=/sys/fs/cgroup/freezer$1 round pids state
  local dirs=() hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do [[ -d $hierarchy${cg#/} ]] && dirs+=("$hierarchy${cg#/}"); done
  ((${#dirs[@]})) || return 0
  # cgroup v2 nodes: cgroup.kill ends their subtree at once (frozen members too).
  local unified
  for unified in /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [[ -f $unified$cg/cgroup.kill ]] && { echo 1 >"$unified$cg/cgroup.kill" 2>/dev/null || true; }
  done
  [[ -d $freezer ]] && { echo FROZEN >"$freezer/freezer.state" 2>/dev/null || true; }
  for ((round = 0; round < 100; round++)); do
    pids=$(find "${dirs[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u || true)
    [[ -n $pids ]] || break
    kill -9 $pids 2>/dev/null || true
    if [[ -d $freezer ]]; then
      # Parents first: a child thaws only once its parent has.
      find "$freezer" -name freezer.state 2>/dev/null |
        while read -r state; do echo THAWED >"$state" 2>/dev/null || true; done || true
    fi
    sleep 0.05
  done
  find "${dirs[@]}" -depth -type d -exec rmdir {} + 2>/dev/null || true
  return 0
}

# A busybox-static root filesystem shared read-only by every container of the fleet; nc, wget
# and ip probe the pod network from inside a container.
make_rootfs() {
  local root=$1 tool
  mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc,run}
  cp /bin/busybox "$root/bin/busybox"
  for tool in sh sleep cat ls ps kill true false echo env id nc wget ip timeout; do
    ln -sf busybox "$root/bin/$tool"
  done
}

write_containerd_config() { # FILE SOCKET
  # Only what ctr needs: no CRI plugin (the kubelet stand-in drives containerd through ctr), no
  # listeners beyond the socket, nothing outside the node's bind-mounted folders.
  cat >"$1" <<CONF
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$2"
[debug]
  address = ""
[metrics]
  address = ""
CONF
}

node_flavour() { # NODE: CGROUP/INIT, its --flavour or the fleet's
  local flavour
  for flavour in "${flavours[@]}"; do
    [[ ${flavour%%:*} == "$1" ]] && { echo "${flavour#*:}"; return; }
  done
  echo "$cgroup_version/$init_system"
}

# A systemd node's unit folder (lab/node/units, see its README) with the node's paths.
write_units() { # NODE_DIR SSHD_DIR FAULT
  local unit wants="ssh.service"
  [[ $3 == none || $3 == crictl-only || $3 == k3s-socket ]] && wants="containerd.service kubelet.service ssh.service"
  mkdir -p "$1/units"
  for unit in "$NODE_SCRIPTS"/units/*.service "$NODE_SCRIPTS"/units/*.target; do
    sed -e "s|@NODE@|/run/breakglass-node|g" -e "s|@SSHD_DIR@|$2|g" -e "s|@WANTS@|$wants|g" \
      "$unit" >"$1/units/$(basename "$unit")"
  done
  tr -d - </proc/sys/kernel/random/uuid >"$1/machine-id"
}

# The host PID of a systemd node's UNIT: its main process, the child of the node's PID 1 in the
# unit's cgroup (the PIDs systemd knows are the node's, not the host's).
unit_host_pid() { # FLEET_DIR NODE UNIT
  local root=/sys/fs/cgroup/unified/bglab-$name/$2 pid1 pid
  [[ -d $root ]] || root=/sys/fs/cgroup/bglab-$name/$2
  pid1=$(head -n 1 "$root/init.scope/cgroup.procs" 2>/dev/null) || return 1
  for pid in $(cat "$root/system.slice/$3/cgroup.procs" 2>/dev/null); do
    [[ $(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) == "$pid1" ]] && { echo "$pid"; return 0; }
  done
  return 1
}

node_fault() { # NODE: none, no-socket, no-runtime, crictl-only or k3s-socket
  local fault
  for fault in "${faults[@]}"; do
    [[ ${fault%%:*} == "$1" ]] && { echo "${fault#*:}"; return; }
  done
  echo none
}

up_containerd() {
  ((nodes <= MAX_CONTAINERD_NODES)) || die "--containerd fleets have at most $MAX_CONTAINERD_NODES nodes"
  command -v containerd >/dev/null && command -v runc >/dev/null && [[ -x /bin/busybox ]] ||
    die "--containerd needs containerd, runc and busybox-static"
  local fault flavour
  for fault in "${faults[@]}"; do
    [[ $fault =~ ^node[0-9]+:(no-socket|no-runtime|crictl-only|k3s-socket)$ ]] ||
      die "--fault must be NODE:no-socket, NODE:no-runtime, NODE:crictl-only or NODE:k3s-socket, got '$fault'"
  done
  # Production's shape by default; systemd runs only over cgroup v2.
  cgroup_version=${cgroup_version:-v2}
  [[ $cgroup_version == v1 || $cgroup_version == v2 ]] || die "--cgroup must be v1 or v2, got '$cgroup_version'"
  [[ -n $init_system ]] || { [[ $cgroup_version == v2 ]] && init_system=systemd || init_system=none; }
  for flavour in "fleet:$cgroup_version/$init_system" "${flavours[@]}"; do
    [[ $flavour != */systemd || $flavour == *:v2/* ]] || die "--init systemd runs only over --cgroup v2"
    [[ $flavour =~ ^(fleet|node[0-9]+):(v1/none|v2/none|v2/systemd)$ ]] ||
      die "node flavours are v1/none, v2/none and v2/systemd (--cgroup, --init, --flavour NODE:CGROUP/INIT), got '${flavour#fleet:}'"
  done
  local params="nodes=$nodes containerd flavour=$cgroup_version/$init_system ${flavours[*]} faults=${faults[*]}"
  if fleet_alive "$name" "$params"; then
    echo "fleet $name already up: $(dir "$name")/fleet.json"
    return
  fi
  down_one "$name"
  ensure_users
  local d ns; d=$(dir "$name"); ns=$(netns "$name")
  make_keys_and_netns "$d" "$ns"
  make_rootfs "$d/rootfs"
  up_pod_network "$d" "$ns"
  mkdir -p "$d/bin"
  cp "$NODE_SCRIPTS"/{start,kubelet-standin,systemctl,crictl,pods.sh,cni.sh} "$d/bin/"
  source "$NODE_SCRIPTS/pods.sh"

  local host_mnt_ns; host_mnt_ns=$(readlink /proc/self/ns/mnt)
  local i k width=4 node_name addr nd socket started=() node_flavour
  if [[ " $cgroup_version/$init_system ${flavours[*]}" == *systemd* ]]; then
    [[ -x /lib/systemd/systemd ]] || die "--init systemd needs systemd installed (/lib/systemd/systemd)"
  fi
  : >"$d/known_hosts"
  for ((i = 1; i <= nodes; i++)); do
    k=$((i - 1))
    printf -v node_name 'node%0*d' "$width" "$i"
    addr="127.1.0.$i"
    nd=$d/nodes/$node_name
    mkdir -p "$nd/run-containerd" "$nd/lib-containerd" "$nd/kubelet" "$nd/run-breakglass"
    ln -s "$d/bin" "$nd/bin"
    write_sshd_config "$d" "$k" 22 "$addr"
    echo "$addr $(cut -d' ' -f1,2 "$d/sshd-$k/ssh_host_ed25519_key.pub")" >>"$d/known_hosts"
    # k3s-socket: containerd where k3s and RKE2 put it (lab/node/start mounts it there).
    socket=/run/containerd/containerd.sock
    [[ $(node_fault "$node_name") == k3s-socket ]] && socket=/run/k3s/containerd/containerd.sock
    write_containerd_config "$nd/containerd.toml" "$socket"
    bglab_node_pods >"$nd/pods.tsv"
    node_flavour=$(node_flavour "$node_name")
    [[ $node_flavour == */systemd ]] && write_units "$nd" "$d/sshd-$k" "$(node_fault "$node_name")"
    # CGROUP_PARENT: where the kubelet stand-in puts containers, as the node sees it (a v2 node's
    # cgroup namespace is rooted at NODE_CGROUP, the host's path of its subtree).
    cat >"$nd/node.env" <<ENV
NODE_NAME=$node_name
ADDRESS=$addr
CGROUP=${node_flavour%/*}
INIT=${node_flavour#*/}
NODE_CGROUP=/bglab-$name/$node_name
CGROUP_PARENT=$([[ $node_flavour == v1/* ]] && echo "/bglab-$name/$node_name" || echo /kubepods)
FLEET_DIR=$d
HOST_NET_NS=$(readlink /proc/self/ns/net)
ROOTFS=$d/rootfs
FAULT=$(node_fault "$node_name")
LAB_CTR=$([[ $(node_fault "$node_name") == crictl-only ]] && echo /run/breakglass-node/ctr || echo ctr)
LAB_CONTAINERD_ADDRESS=$socket
SSHD_DIR=$d/sshd-$k
POD_BRIDGE=$BGLAB_POD_BRIDGE
POD_GATEWAY=$BGLAB_POD_GATEWAY
POD_PREFIX_LEN=$BGLAB_POD_PREFIX_LEN
POD_SUBNET_BASE=$(bglab_pod_subnet_base "$i")
ENV
    in_netns "$ns" unshare --mount --propagation private -- "$d/bin/start" "$nd" "$host_mnt_ns" \
      >"$nd/start.log" 2>&1 &
    started+=($!)
  done
  local pid failed=0
  for pid in "${started[@]}"; do wait "$pid" || failed=1; done
  ((failed == 0)) || die "a node did not start: $(cat "$d"/nodes/*/start.log)"

  # Ready when every sshd accepts a connection and every kubelet stand-in has made its pods.
  local tries
  for ((i = 1; i <= nodes; i++)); do
    printf -v node_name 'node%0*d' "$width" "$i"
    nd=$d/nodes/$node_name
    tries=0
    until in_netns "$ns" bash -c "exec 3<>/dev/tcp/127.1.0.$i/22" 2>/dev/null; do
      ((++tries < 200)) || die "sshd of $node_name did not start; see $d/sshd-$((i - 1))/sshd.log"
      sleep 0.05
    done
    [[ $(node_fault "$node_name") =~ ^(none|crictl-only|k3s-socket)$ ]] || continue
    tries=0
    until [[ -f $nd/kubelet/synced ]]; do
      ((++tries < 1200)) || die "pods of $node_name did not start; see $nd/kubelet/kubelet.log"
      sleep 0.05
    done
  done
  record_systemd_pids "$d"
  wait_pod_network "$ns"
  write_containerd_description "$d" "$ns"
  echo "$params" >"$d/params"
  echo "fleet $name up: $nodes containerd nodes, description $d/fleet.json"
}

# A systemd node's daemons write no PID files (or the node's PIDs): record the host's, for
# fleet_alive, node_exec and fleet.json.
record_systemd_pids() { # FLEET_DIR
  local i node_name nd pid
  for ((i = 1; i <= nodes; i++)); do
    printf -v node_name 'node%04d' "$i"
    nd=$1/nodes/$node_name
    grep -qx INIT=systemd "$nd/node.env" || continue
    pid=$(unit_host_pid "$1" "$node_name" ssh.service) || die "no sshd in $node_name's ssh.service"
    echo "$pid" >"$1/sshd-$((i - 1))/sshd.pid"
    if pid=$(unit_host_pid "$1" "$node_name" containerd.service); then echo "$pid" >"$nd/containerd.pid"; fi
    if pid=$(unit_host_pid "$1" "$node_name" kubelet.service); then echo "$pid" >"$nd/kubelet/kubelet.pid"; fi
  done
}

# fleet.json (the plain fleet's format, one sshd per node, plus "containerd": true and per-node
# folders) and pods.json (every node's pods, as the kubelet stand-in made them).
write_containerd_description() {
  local d=$1 ns=$2 i node_name nd key sep="" psep
  {
    printf '{"schema_version":1,"name":"%s","netns":"%s","dir":"%s",' "$name" "$ns" "$d"
    printf '"client_key":"%s/client_ed25519","known_hosts":"%s/known_hosts","user_ca":"%s/user_ca",' "$d" "$d" "$d"
    printf '"signer_key":"%s/signer_ed25519","allowed_signers":"%s/allowed_signers",' "$d" "$d"
    printf '"users":{"root":"root","sudo":"%s","sudo_password":"%s"},' "$SUDO_USER_NAME" "$PASSWORD_USER_NAME"
    printf '"containerd":true,"rootfs":"%s/rootfs","pods":"%s/pods.json","cgroup":"/bglab-%s",' "$d" "$d" "$name"
    printf '%s,' "$(pod_network_json)"
    printf '"sshds":['
    for ((i = 1; i <= nodes; i++)); do
      key=$(cut -d' ' -f1,2 "$d/sshd-$((i - 1))/ssh_host_ed25519_key.pub")
      printf '%s{"index":%d,"port":22,"address":"127.1.0.%d","host_key":"%s","pid_file":"%s/sshd-%d/sshd.pid","log":"%s/sshd-%d/sshd.log"}' \
        "$sep" $((i - 1)) "$i" "$key" "$d" $((i - 1)) "$d" $((i - 1))
      sep=,
    done
    printf '],"nodes":['
    sep=""
    for ((i = 1; i <= nodes; i++)); do
      printf -v node_name 'node%04d' "$i"
      nd=$d/nodes/$node_name
      key=$(cut -d' ' -f1,2 "$d/sshd-$((i - 1))/ssh_host_ed25519_key.pub")
      printf '%s{"name":"%s","address":"127.1.0.%d","port":22,"sshd":%d,"host_key":"%s",' \
        "$sep" "$node_name" "$i" $((i - 1)) "$key"
      printf '"node_dir":"%s","fault":"%s","mnt_ns":"%s","pod_subnet":"%s.0/24",' \
        "$nd" "$(node_fault "$node_name")" "$(cat "$nd/mnt-ns")" "$(bglab_pod_subnet_base "$i")"
      printf '"cgroup":"%s","init":"%s","cgroup_parent":"%s",' \
        "$(sed -n 's/^CGROUP=//p' "$nd/node.env")" "$(sed -n 's/^INIT=//p' "$nd/node.env")" \
        "$(sed -n 's/^CGROUP_PARENT=//p' "$nd/node.env")"
      printf '"containerd_pid":%s,"kubelet_pid":%s}' \
        "$(cat "$nd/containerd.pid" 2>/dev/null || echo null)" \
        "$(cat "$nd/kubelet/kubelet.pid" 2>/dev/null || echo null)"
      sep=,
    done
    printf ']}\n'
  } >"$d/fleet.json.tmp"
  mv "$d/fleet.json.tmp" "$d/fleet.json"

  local uid namespace pod role owner labels containers label c lsep csep
  {
    printf '{"schema_version":1,"nodes":{'
    sep=""
    for ((i = 1; i <= nodes; i++)); do
      printf -v node_name 'node%04d' "$i"
      nd=$d/nodes/$node_name
      printf '%s"%s":[' "$sep" "$node_name"
      psep=""
      while IFS=$'\t' read -r uid namespace pod role owner labels containers; do
        printf '%s{"uid":"%s","namespace":"%s","name":"%s","role":"%s","owner":"%s",' \
          "$psep" "$uid" "$namespace" "$pod" "$role" "$owner"
        printf '"sandbox_id":"%s","address":"%s","labels":{' "$(bglab_container_id "$uid" "" 0)" \
          "$(cat "$nd/kubelet/state/$uid/address" 2>/dev/null)"
        lsep=""
        IFS=, read -r -a all_labels <<<"$labels"
        for label in "${all_labels[@]}"; do
          printf '%s"%s":"%s"' "$lsep" "${label%%=*}" "${label#*=}"; lsep=,
        done
        printf '},"containers":['
        csep=""
        IFS=, read -r -a all_containers <<<"$containers"
        for c in "${all_containers[@]}"; do
          printf '%s{"name":"%s","id":"%s"}' "$csep" "$c" "$(bglab_container_id "$uid" "$c" 0)"; csep=,
        done
        printf ']}'
        psep=,
      done <"$nd/pods.tsv"
      printf ']'
      sep=,
    done
    printf '}}\n'
  } >"$d/pods.json.tmp"
  mv "$d/pods.json.tmp" "$d/pods.json"
}

# Runs CMD in a containerd node's network and mount namespaces, as its SSH sessions see them.
node_exec() {
  local d nd pid; d=$(dir "$name")
  [[ $node =~ ^node[0-9]+$ ]] || die "node-exec needs --node NODE"
  nd=$d/nodes/$node
  [[ -f $nd/node.env ]] || die "fleet $name has no containerd node $node"
  pid=$(cat "$d/sshd-$(( 10#${node#node} - 1 ))/sshd.pid" 2>/dev/null) || die "$node's sshd is not running"
  [[ $(readlink "/proc/$pid/ns/mnt") == "$(cat "$nd/mnt-ns")" ]] || die "$node's sshd is not in the node's mount namespace"
  # Join the node's cgroup first, so that whatever CMD leaves running goes down with the node.
  local hierarchy cgroup=/bglab-$name/$node/daemons
  for hierarchy in pids freezer; do
    echo $$ >"/sys/fs/cgroup/$hierarchy$cgroup/cgroup.procs" 2>/dev/null || true
  done
  grep -qx CGROUP=v1 "$nd/node.env" && exec nsenter --target "$pid" --mount --net -- "$@"
  # A v2 node: its own subtree and cgroup namespace too; with systemd, its PID, UTS and IPC ones.
  local unified=/sys/fs/cgroup/unified
  [[ -d $unified ]] || unified=/sys/fs/cgroup
  mkdir -p "$unified/bglab-$name/$node/lab-exec"
  echo $$ >"$unified/bglab-$name/$node/lab-exec/cgroup.procs"
  grep -qx INIT=systemd "$nd/node.env" &&
    exec nsenter --target "$pid" --mount --net --cgroup --pid --uts --ipc -- "$@"
  exec nsenter --target "$pid" --mount --net --cgroup -- "$@"
}
