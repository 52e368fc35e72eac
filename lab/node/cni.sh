# Pod networking of a containerd lab node, sourced by the kubelet stand-in: what a CNI bridge
# plugin and host-local IPAM do for the kubelet. lab/pod_network.sh explains the network and why
# it stays inside namespaces the lab made. Needs node.env's POD_BRIDGE POD_GATEWAY POD_PREFIX_LEN
# POD_SUBNET_BASE (the node's /24 without its last byte).

# The node's own network namespace, i.e. the fleet's: never the host's (HOST_NET_NS, lab/fleet's
# own, recorded at bring-up: a systemd node's PID 1 is its own systemd, in the fleet's namespace,
# and the host's PID 1 may not be readable at all). Unknown counts as the host's.
bglab_cni_guard() {
  [[ -n ${HOST_NET_NS:-} && $(readlink /proc/self/ns/net) != "$HOST_NET_NS" ]] || {
    echo "lab cni: refusing to touch the host's network namespace" >&2
    return 1
  }
}

# bglab_cni_allocate STATE_DIR: a free pod address of this node (STATE_DIR/*/address lists those
# in use), round robin like host-local IPAM, so a recreated pod does not take the address its
# old veth may still hold for a moment.
bglab_cni_allocate() {
  local dir=$1 last=1 i n
  [[ -f $dir/ipam.last ]] && read -r last <"$dir/ipam.last"
  local file address used=" "
  for file in "$dir"/*/address; do # builtins only: this runs for every pod the node makes
    [[ -f $file ]] && read -r address <"$file" && used+="$address "
  done
  for ((i = 1; i <= 253; i++)); do
    n=$(((last - 2 + i) % 253 + 2))
    [[ $used == *" $POD_SUBNET_BASE.$n "* ]] && continue
    echo "$n" >"$dir/ipam.last"
    echo "$POD_SUBNET_BASE.$n"
    return 0
  done
  echo "lab cni: no free pod address in $POD_SUBNET_BASE.0/24" >&2
  return 1
}

# bglab_cni_add SANDBOX_ID PID ADDRESS: a veth pair from the sandbox's network namespace (task
# PID) to the node's bridge, eth0 = ADDRESS in the pod, default route via the gateway. The pair
# dies with the pod's namespace: nothing to delete when the sandbox goes.
bglab_cni_add() {
  local id=$1 pid=$2 address=$3 veth=bgv${1:0:12} # IFNAMSIZ: 15 characters
  local pod_ns; pod_ns=$(readlink "/proc/$pid/ns/net") || return 1
  bglab_cni_guard || return 1
  [[ $pod_ns != "$(readlink /proc/self/ns/net)" ]] || {
    echo "lab cni: sandbox $id shares the node's network namespace" >&2
    return 1
  }
  ip link add "$veth" up master "$POD_BRIDGE" type veth peer name eth0 netns "$pid" || return 1
  nsenter --net="/proc/$pid/ns/net" -- ip -batch - <<BATCH
addr add $address/$POD_PREFIX_LEN dev eth0
link set eth0 up
route add default via $POD_GATEWAY
BATCH
}
