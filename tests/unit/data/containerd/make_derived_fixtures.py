#!/usr/bin/env python3
"""Writes the containerd 1.7 and 2.0 fixtures of tests/unit/playbooks_daemonset_match_test.cpp.

No containerd 1.7 or 2.0 runs here (Debian 12 ships 1.6.20), so these are derived from
containerd's source, field by field; each fixture folder's SOURCE.md names the files and tags.
What `ctr containers info ID` prints is commands.PrintAsJSON (json.MarshalIndent, 4 spaces) of
struct{containers.Container; Spec any} -- Go's encoding/json writes struct fields in declaration
order (the outer Spec last, shadowing the embedded one), map keys sorted, and protobuf Any values
as {"type_url", "value"} (base64). json.dumps(indent=4) writes the same layout.
"""
import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "kube-system"
UID = "5c1f0a2e-8d47-4b1e-9a53-0f6c2d9e7b14"
POD = "telemetry-agent-x7k2q"
JOB_UID = "0b9e7c3d-1a2f-4e5d-8c6b-7a9f0e1d2c3b"
JOB_POD = "telemetry-agent-m4p9t"
SB = "a3" + "1" * 62
C_AGENT = "b4" + "2" * 62
C_SHIP = "c5" + "3" * 62
C_INIT = "c5" + "0" * 62  # an exited init container of the same pod, no task
JOB_C = "d6" + "4" * 62  # a Job pod's container with the DaemonSet's name shape


def any_value(type_url, payload):
    return {"type_url": type_url, "value": base64.b64encode(payload).decode()}


def spec(kind, name, pod, uid):
    # A trimmed OCI spec as the CRI plugin writes it. The annotations repeat the pod's
    # identity, and one process argument holds a JSON-looking label: a reader that does not
    # follow the path from the root misreads them.
    annotations = {
        "io.kubernetes.cri.container-type": kind,
        "io.kubernetes.cri.sandbox-id": SB if pod == POD else "e7" + "5" * 62,
        "io.kubernetes.cri.sandbox-name": pod,
        "io.kubernetes.cri.sandbox-namespace": NS,
        "io.kubernetes.cri.sandbox-uid": uid,
        "io.kubernetes.pod.name": "decoy-read-from-annotations",
    }
    if kind == "container":
        annotations["io.kubernetes.cri.container-name"] = name
    return {
        "ociVersion": "1.1.0",
        "process": {
            "user": {"uid": 65535, "gid": 65535},
            "args": ["/pause"] if kind == "sandbox" else
                    ["/bin/agent", "--label", "\"io.kubernetes.pod.name\": \"evil-bcdfg\""],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/",
            "noNewPrivileges": True,
            "oomScoreAdj": -998,
        },
        "root": {"path": "rootfs", "readonly": True},
        "annotations": annotations,
        "linux": {
            "cgroupsPath": "kubepods-besteffort-pod%s.slice:cri-containerd:%s" % (uid.replace("-", "_"), name),
            "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                           {"type": "network", "path": "/var/run/netns/cni-1a2b3c4d"}],
        },
    }


def container(version, cid, kind, labels, pod, uid, name):
    runtime_options = any_value("containerd.runc.v1.Options", b"\x12\x03abc" if version == "2.0" else b"")
    if version == "1.7":
        runtime_options = {"type_url": "containerd.runc.v1.Options"}  # empty value: omitted
    extensions = {}
    if kind == "sandbox":
        extensions["io.cri-containerd.sandbox.metadata"] = any_value(
            "github.com/containerd/cri/pkg/store/sandbox/Metadata", b'{"Version":"v1"}')
    else:
        extensions["io.cri-containerd.container.metadata"] = any_value(
            "github.com/containerd/cri/pkg/store/container/Metadata", b'{"Version":"v1"}')
    document = {
        "ID": cid,
        "Labels": dict(sorted(labels.items())),
        "Image": "registry.k8s.io/pause:3.9" if kind == "sandbox" else "registry.example/agent:1.4",
        "Runtime": {"Name": "io.containerd.runc.v2", "Options": runtime_options},
        "SnapshotKey": cid,
        "Snapshotter": "overlayfs",
        "CreatedAt": "2026-11-30T10:15:02.123456789Z",
        "UpdatedAt": "2026-11-30T10:15:02.123456789Z",
        "Extensions": extensions,
        # 1.7: field added to containers.Container, not set by its CRI plugin here; 2.0: the
        # client copies containerpb.Sandbox, set for a sandbox's containers.
        "SandboxID": (SB if (version == "2.0" and kind == "container" and pod == POD) else ""),
        "Spec": spec(kind, name, pod, uid),
    }
    return document


def write(version):
    folder = os.path.join(HERE, version)
    os.makedirs(os.path.join(folder, "info"), exist_ok=True)
    pod_labels = {"io.kubernetes.pod.name": POD, "io.kubernetes.pod.namespace": NS,
                  "io.kubernetes.pod.uid": UID}
    sandbox_labels = dict(pod_labels, **{"io.cri-containerd.kind": "sandbox",
                                         "app.kubernetes.io/name": "telemetry-agent",
                                         "controller-revision-hash": "6b8f9c7d5b",
                                         "pod-template-generation": "3"})
    docs = [
        container(version, SB, "sandbox", sandbox_labels, POD, UID, POD),
        container(version, C_AGENT, "container", dict(pod_labels, **{
            "io.cri-containerd.kind": "container", "io.kubernetes.container.name": "agent"}),
            POD, UID, "agent"),
        container(version, C_SHIP, "container", dict(pod_labels, **{
            "io.cri-containerd.kind": "container", "io.kubernetes.container.name": "log-shipper"}),
            POD, UID, "log-shipper"),
        container(version, C_INIT, "container", dict(pod_labels, **{
            "io.cri-containerd.kind": "container", "io.kubernetes.container.name": "init-config"}),
            POD, UID, "init-config"),
        container(version, JOB_C, "container", {
            "io.cri-containerd.kind": "container", "io.kubernetes.container.name": "agent",
            "io.kubernetes.pod.name": JOB_POD, "io.kubernetes.pod.namespace": NS,
            "io.kubernetes.pod.uid": JOB_UID}, JOB_POD, JOB_UID, "agent"),
    ]
    for document in docs:
        with open(os.path.join(folder, "info", document["ID"] + ".json"), "w") as out:
            out.write(json.dumps(document, indent=4) + "\n")
    # What containerd returns for the two label filters (containerd evaluates them; the fake ctr
    # of the test replays this): the target sandbox, the containers of pods of that name shape.
    with open(os.path.join(folder, "ls-telemetry-agent.txt"), "w") as out:
        out.write("".join(d["ID"] + "\n" for d in docs))
    # cmd/ctr/commands/tasks/list.go: tabwriter.NewWriter(os.Stdout, 4, 8, 4, ' ', 0),
    # "TASK\tPID\tSTATUS\t", then "%s\t%d\t%s\n" per task (same in 1.6, 1.7 and 2.0).
    rows = [("TASK", "PID", "STATUS"), (SB, "4242", "RUNNING"), (C_AGENT, "4301", "PAUSED"),
            (C_SHIP, "4377", "RUNNING"), (JOB_C, "5120", "RUNNING"),
            ("f8" + "6" * 62, "6001", "RUNNING")]
    with open(os.path.join(folder, "tasks.txt"), "w") as out:
        for i, row in enumerate(rows):
            out.write(row[0].ljust(68) + row[1].ljust(9) + row[2] + ("    " if i == 0 else "") + "\n")
    release = {"1.7": ("1.7.27", "05044ec0a9a75232cad458027ca83437aae3f4da", "go1.23.7"),
               "2.0": ("2.0.5", "fb4c30d4ede3531652d86197bf3fc9515e5276d9", "go1.23.7")}[version]
    # cmd/ctr/commands/version/version.go: the same lines in 1.6, 1.7 and 2.0.
    with open(os.path.join(folder, "version.txt"), "w") as out:
        out.write("Client:\n  Version:  v%s\n  Revision: %s\n  Go version: %s\n\n"
                  "Server:\n  Version:  v%s\n  Revision: %s\n  UUID: 3f1d6e0a-0c49-4f55-9a1e-6b1c0f2d8a77\n"
                  % (release[0], release[1], release[2], release[0], release[1]))
    with open(os.path.join(folder, "expected-telemetry-agent.txt"), "w") as out:
        out.write("sandbox %s %s %s running 4242\n" % (UID, POD, SB))
        out.write("container %s agent %s paused 4301\n" % (UID, C_AGENT))
        out.write("container %s init-config %s stopped 0\n" % (UID, C_INIT))
        out.write("container %s log-shipper %s running 4377\n" % (UID, C_SHIP))


if __name__ == "__main__":
    for version in sys.argv[1:] or ["1.7", "2.0"]:
        write(version)
