#!/bin/sh
# Records what containerd's API answers bg_ds_match on a lab node (tests/unit/data/containerd/
# 1.6-lab-api/SOURCE.md), with the library's own requests:
#   lab/fleet node-exec --name NAME --node node0001 -- sh record.sh SOURCE-DIR OUT-DIR
set -eu
. "$1/playbooks/lib/daemonset_match.sh"
out=$2
DS_NAMESPACE=kube-system DS_NAME=telemetry-agent RUNTIME_SOCKET=
bg_ds_check_runtime
[ -n "$_bg_curl" ] || { echo "record.sh: no curl" >&2; exit 1; }
bg_ds_api_list_request
bg_ds_api_call version.v1.Version/Version '\000\000\000\000\000' >"$out/version.bin"
bg_ds_api_call tasks.v1.Tasks/List '\000\000\000\000\000' >"$out/tasks.bin"
bg_ds_api_call containers.v1.Containers/ListStream "$_bg_request" "$_bg_sandbox_filter" \
  "$_bg_container_filter" >"$out/containers-telemetry-agent.bin"
# What the ctr path (the reader the fixtures of 1.6-lab test) prints on the node at the same time.
CURL=none bg_ds_match >"$out/expected-telemetry-agent.txt"
