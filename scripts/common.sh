# Shared by scripts/test and scripts/demo: package set-up and phase timing. Source it; don't run it.

# Every Debian 12 package breakglass needs to build, test, fuzz, benchmark and run its lab.
readonly BREAKGLASS_PACKAGES=(
  build-essential cmake pkg-config git
  libssh-dev libcli11-dev nlohmann-json3-dev libspdlog-dev libexpected-dev libssl-dev
  googletest libgtest-dev
  openssh-server openssh-client iproute2 util-linux procps sudo
  containerd runc busybox-static iptables socat tmux systemd
  strace # the no-API-server test and the node footprint test
  curl # the DaemonSet playbooks read containerd's API with it where a node has it
  clang libclang-rt-14-dev
  prometheus pssh
)

phase_started=0
phase_name=""
script_started=$(date +%s)

phase() {
  phase_end
  phase_name=$1
  phase_started=$(date +%s)
  echo "==> $phase_name"
}

phase_end() {
  if [[ -n $phase_name ]]; then
    echo "==> $phase_name took $(( $(date +%s) - phase_started ))s"
    phase_times+=("$phase_name: $(( $(date +%s) - phase_started ))s")
  fi
  phase_name=""
}

print_phase_times() {
  phase_end
  echo "---- phase times ----"
  printf '  %s\n' "${phase_times[@]}"
  echo "  total: $(( $(date +%s) - script_started ))s"
}

# Installs what is missing; runs `apt-get update` only when something is. Services the
# packages would start (sshd on :22, a system containerd) are held back: the lab runs its own.
ensure_packages() {
  if [[ $(id -u) != 0 ]]; then
    echo "must run as root (packages, network namespaces, sshd, containerd)" >&2
    exit 2
  fi
  local missing=() pkg
  for pkg in "${BREAKGLASS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    echo "all ${#BREAKGLASS_PACKAGES[@]} packages present"
    return
  fi
  echo "installing: ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  ((created_policy)) && rm -f "$policy"
  return 0
}

# Configures (once) and builds a CMake preset with two jobs.
build_preset() {
  local preset=$1; shift
  if [[ ! -f build/$preset/CMakeCache.txt ]]; then
    cmake --preset "$preset" "$@" >/dev/null
  fi
  cmake --build --preset "$preset" -j2
}
