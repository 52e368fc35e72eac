# The pod network of a containerd lab fleet, sourced by lab/fleet (fleet side) and by the
# kubelet stand-in through lab/node/cni.sh (node side, which reads the same constants).
#
# Like a CNI bridge plugin: the fleet's network namespace bglab-NAME (where the nodes' sshds
# live, i.e. every lab node's "host" network) holds one bridge carrying the cluster network's
# gateway; every pod sandbox gets a fresh network namespace from runc, joined to that bridge by a
# veth pair, with an address from its node's own /24. An "API server stand-in" (socat) answers on
# the gateway, so a test can prove a pod reaches something outside its namespace.
#
# Why this keeps LAB-NOTES' network rule (traffic never leaves namespaces the lab made, hence no
# veth pairs with private addresses): both ends of every veth are in namespaces the lab made (the
# fleet's, and the pod's, which runc made for a lab container); the fleet namespace has no other
# interface than loopback, the bridge and those veths, and forwarding is off in it, so there is no
# path to the host's network at all. The addresses come from 198.18.0.0/15 (RFC 2544 benchmark
# range: never routed, never on this machine's interfaces), so even a route added by mistake
# could not collide with a real network. lab/node/cni.sh refuses to run in the host's (PID 1's)
# network namespace.
#
# Addresses: 198.18.0.1 gateway and API server stand-in, 198.18.0.2 a second lab service (same
# listener; tests block one destination and reach the other), node i's pods 198.18.i.2-254 (i up
# to 64, lab/containerd_nodes.sh's node limit), all /15 on the bridge, default route via gateway.

readonly BGLAB_POD_BRIDGE=bgpods
readonly BGLAB_POD_GATEWAY=198.18.0.1
readonly BGLAB_POD_SERVICE=198.18.0.2
readonly BGLAB_POD_PREFIX_LEN=15
readonly BGLAB_POD_API_PORT=6443

bglab_pod_subnet_base() { echo "198.18.$1"; } # NODE_INDEX (1-based): the node's pods' /24

# up_pod_network DIR NETNS: the bridge, its addresses and the API server stand-in, in the fleet's
# namespace. The stand-in sits in the fleet's cgroup so lab/fleet down kills it with the rest.
up_pod_network() {
  local d=$1 ns=$2 hierarchy cgroup=/bglab-$name/network
  in_netns "$ns" sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  in_netns "$ns" ip -batch - <<BATCH
link add $BGLAB_POD_BRIDGE type bridge
addr add $BGLAB_POD_GATEWAY/$BGLAB_POD_PREFIX_LEN dev $BGLAB_POD_BRIDGE
addr add $BGLAB_POD_SERVICE/$BGLAB_POD_PREFIX_LEN dev $BGLAB_POD_BRIDGE
link set $BGLAB_POD_BRIDGE up
BATCH
  for hierarchy in pids freezer; do mkdir -p "/sys/fs/cgroup/$hierarchy$cgroup"; done
  # Answers like an HTTP server so both busybox nc and wget can probe it from a pod.
  cat >"$d/api-standin-reply" <<'REPLY'
#!/bin/sh
printf 'HTTP/1.0 200 OK\r\n\r\nbreakglass lab API server stand-in\n'
REPLY
  chmod 0755 "$d/api-standin-reply"
  (
    for hierarchy in pids freezer; do echo "$BASHPID" >"/sys/fs/cgroup/$hierarchy$cgroup/cgroup.procs"; done
    exec nsenter --net="/var/run/netns/$ns" -- socat \
      "TCP-LISTEN:$BGLAB_POD_API_PORT,fork,reuseaddr" "EXEC:$d/api-standin-reply"
  ) </dev/null >"$d/api-standin.log" 2>&1 &
  echo $! >"$d/api-standin.pid"
}

# Waits until the API server stand-in accepts connections on the gateway.
wait_pod_network() {
  local ns=$1 tries=0
  until in_netns "$ns" bash -c "exec 3<>/dev/tcp/$BGLAB_POD_GATEWAY/$BGLAB_POD_API_PORT" 2>/dev/null; do
    ((++tries < 100)) || die "the API server stand-in did not start; see $(dir "$name")/api-standin.log"
    sleep 0.05
  done
}

# fleet.json's "pod_network" member.
pod_network_json() {
  printf '"pod_network":{"bridge":"%s","gateway":"%s","service":"%s","prefix_len":%d,"api_port":%d}' \
    "$BGLAB_POD_BRIDGE" "$BGLAB_POD_GATEWAY" "$BGLAB_POD_SERVICE" "$BGLAB_POD_PREFIX_LEN" "$BGLAB_POD_API_PORT"
}
