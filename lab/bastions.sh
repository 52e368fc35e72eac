# Bastions for a lab fleet (lab/fleet up --bastions), sourced by lab/fleet.
#
# The nodes stay in the fleet's namespace bglab-NAME; the client gets a namespace of its own,
# bgcli-NAME, holding only loopback, from which no node is reachable. Two bastion sshds run in
# the fleet's namespace: bastion 1 at 127.254.0.1:22, joined to the client namespace through a
# unix-socket relay (socat) so the client reaches it at the same address, and bastion 2 at
# 127.254.0.2:22, reachable only from inside the fleet (through bastion 1: a chain).

client_netns() { echo "bgcli-$1"; }

readonly BASTION_ADDRESSES=(127.254.0.1 127.254.0.2)

up_bastions() {
  local d=$1 ns=$2 cns b addr bd
  cns=$(client_netns "$name")
  ip netns add "$cns"
  ip -n "$cns" link set lo up
  for b in 0 1; do
    addr=${BASTION_ADDRESSES[$b]}
    bd=$d/bastion-$b
    mkdir -p "$bd"
    ssh-keygen -q -t ed25519 -N '' -C "breakglass-lab-bastion-$b" -f "$bd/ssh_host_ed25519_key"
    cat >"$bd/sshd_config" <<CONF
# Lab bastion $b: forwards node connections (direct-tcpip), logs every accepted login.
ListenAddress $addr:22
HostKey $bd/ssh_host_ed25519_key
PidFile $bd/sshd.pid
AuthorizedKeysFile $d/authorized_keys
TrustedUserCAKeys $d/user_ca.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
UseDNS no
StrictModes no
AllowTcpForwarding yes
MaxStartups 4000:30:8000
LogLevel INFO
SetEnv SHLVL=1
CONF
    in_netns "$ns" /usr/sbin/sshd -f "$bd/sshd_config" -E "$bd/sshd.log"
    echo "$addr $(cut -d' ' -f1,2 "$bd/ssh_host_ed25519_key.pub")" >>"$d/known_hosts"
  done
  # The relay: client namespace 127.254.0.1:22 -> unix socket -> fleet namespace 127.254.0.1:22.
  in_netns "$ns" socat "UNIX-LISTEN:$d/bastion-0/relay.sock,fork,unlink-early" \
    "TCP:${BASTION_ADDRESSES[0]}:22" >/dev/null 2>&1 &
  echo $! >"$d/bastion-0/relay-fleet.pid"
  local tries=0
  until [[ -S $d/bastion-0/relay.sock ]]; do
    ((++tries < 100)) || die "bastion relay did not start"
    sleep 0.05
  done
  in_netns "$cns" socat "TCP-LISTEN:22,bind=${BASTION_ADDRESSES[0]},fork,reuseaddr" \
    "UNIX-CONNECT:$d/bastion-0/relay.sock" >/dev/null 2>&1 &
  echo $! >"$d/bastion-0/relay-client.pid"
  tries=0
  until in_netns "$cns" bash -c "exec 3<>/dev/tcp/${BASTION_ADDRESSES[0]}/22" 2>/dev/null; do
    ((++tries < 100)) || die "bastion 0 not reachable from the client namespace"
    sleep 0.05
  done
  # Describe them: append to fleet.json's top-level object.
  local entries="" key
  for b in 0 1; do
    key=$(cut -d' ' -f1,2 "$d/bastion-$b/ssh_host_ed25519_key.pub")
    entries+="${entries:+,}{\"index\":$b,\"address\":\"${BASTION_ADDRESSES[$b]}\",\"port\":22,"
    entries+="\"host_key\":\"$key\",\"log\":\"$d/bastion-$b/sshd.log\",\"pid_file\":\"$d/bastion-$b/sshd.pid\","
    entries+="\"reachable_from_client\":$([[ $b == 0 ]] && echo true || echo false)}"
  done
  sed -i "\$s|}\$|,\"client_netns\":\"$cns\",\"bastions\":[$entries]}|" "$d/fleet.json"
}

down_bastions() {
  local n=$1 cns pid
  cns=$(client_netns "$n")
  if ip netns list | grep -q "^$cns\b"; then
    for pid in $(ip netns pids "$cns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$cns" 2>/dev/null || true
  fi
}
