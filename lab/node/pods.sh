# Pod catalog of a containerd lab node, shared by lab/fleet (which writes each node's pods.tsv and
# the fleet's pods.json) and the kubelet stand-in (which creates and recreates them). Source it.
#
# pods.tsv, one pod a line, tab-separated:
#   uid  namespace  name  role  owner  labels  containers
# role is `target` (kube-system/telemetry-agent, what the DaemonSet tests act on) or `decoy`
# (must never be touched); owner is Kind/name as the API server would know it (the node does
# not); labels are comma-separated key=value, the pod's own labels as the kubelet passes them to
# the runtime; containers are comma-separated names (the sandbox is implicit).

# The alphabet and length Kubernetes' generateName appends (apiserver names.SimpleNameGenerator).
readonly BGLAB_SUFFIX_ALPHABET=bcdfghjklmnpqrstvwxz2456789
# A DaemonSet name over 57 characters: its pods' names are cut to 58 characters before the suffix.
readonly BGLAB_LONG_DAEMONSET=telemetry-agent-node-level-collector-for-cluster-observability

bglab_suffix() {
  local out="" i
  for ((i = 0; i < 5; i++)); do out+=${BGLAB_SUFFIX_ALPHABET:RANDOM % 27:1}; done
  echo "$out"
}

# generateName: the owner's name plus "-", cut to 58 characters, plus 5 random characters.
bglab_generated_name() {
  local prefix="$1-"
  echo "${prefix:0:58}$(bglab_suffix)"
}

bglab_uid() { cat /proc/sys/kernel/random/uuid; }

# Container IDs look like CRI's (64 hex digits) and are unique per node and attempt: runc's
# cgroups and the shims of every lab node share one kernel.
bglab_container_id() { # uid container-name attempt ("" names the sandbox)
  printf '%s/%s/%s' "$1" "$2" "$3" | sha256sum | cut -c1-64
}

# Writes one node's pods.tsv to stdout: the target DaemonSet and its decoys.
bglab_node_pods() {
  local ds_labels="controller-revision-hash=6b8f9c7d5b,pod-template-generation=3"
  local tab=$'\t'
  local row
  row() { local IFS=$tab; echo "$*"; }
  row "$(bglab_uid)" kube-system "$(bglab_generated_name telemetry-agent)" target \
    DaemonSet/telemetry-agent "app.kubernetes.io/name=telemetry-agent,$ds_labels" agent,log-shipper
  # Same DaemonSet name, another namespace.
  row "$(bglab_uid)" monitoring "$(bglab_generated_name telemetry-agent)" decoy \
    DaemonSet/telemetry-agent "app.kubernetes.io/name=telemetry-agent,$ds_labels" agent
  # A DaemonSet whose name extends the target's.
  row "$(bglab_uid)" kube-system "$(bglab_generated_name telemetry-agent-v2)" decoy \
    DaemonSet/telemetry-agent-v2 "app.kubernetes.io/name=telemetry-agent-v2,controller-revision-hash=5c4d8f7b9,pod-template-generation=1" agent
  # A Deployment's pod: ReplicaSet telemetry-agent-7d9f8b6c5.
  row "$(bglab_uid)" kube-system "$(bglab_generated_name telemetry-agent-7d9f8b6c5)" decoy \
    ReplicaSet/telemetry-agent-7d9f8b6c5 "app.kubernetes.io/name=telemetry-agent,pod-template-hash=7d9f8b6c5" agent
  # A Job's pod and a bare ReplicaSet's pod: the DaemonSet's name shape, not its labels.
  local job_uid; job_uid=$(bglab_uid)
  row "$(bglab_uid)" kube-system "$(bglab_generated_name telemetry-agent)" decoy \
    Job/telemetry-agent "batch.kubernetes.io/controller-uid=$job_uid,batch.kubernetes.io/job-name=telemetry-agent,controller-uid=$job_uid,job-name=telemetry-agent" agent
  row "$(bglab_uid)" kube-system "$(bglab_generated_name telemetry-agent)" decoy \
    ReplicaSet/telemetry-agent "app.kubernetes.io/name=telemetry-agent" agent
  # An unrelated DaemonSet in the same namespace.
  row "$(bglab_uid)" kube-system "$(bglab_generated_name kube-proxy)" decoy \
    DaemonSet/kube-proxy "k8s-app=kube-proxy,controller-revision-hash=7f6d9b8c4,pod-template-generation=1" kube-proxy
  # A DaemonSet whose pods' names are truncated.
  row "$(bglab_uid)" kube-system "$(bglab_generated_name "$BGLAB_LONG_DAEMONSET")" decoy \
    "DaemonSet/$BGLAB_LONG_DAEMONSET" "app.kubernetes.io/name=collector,controller-revision-hash=84c6d9f7b,pod-template-generation=2" collector
}
