#pragma once

#include "tests/integration/support/process.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::testing {

/// A containerd lab fleet (`lab/fleet up --containerd`) for the lifetime of a test: every node
/// its own sshd on ADDRESS:22, real containerd + runc, CRI-labelled pods and the kubelet
/// stand-in; by default each node is production-shaped (cgroup v2, systemd as its PID 1).
/// Up in the constructor (throws when it cannot come up), down in the destructor.
class ContainerdLab {
public:
    /// `faults` are lab/fleet --fault values, e.g. "node0003:no-socket"; `flavours` are more
    /// lab/fleet arguments choosing node flavours, e.g. {"--cgroup", "v1"} or
    /// {"--flavour", "node0002:v2/none"}.
    ContainerdLab(const std::string& purpose, int nodes, std::vector<std::string> faults = {},
                  std::vector<std::string> flavours = {});
    ~ContainerdLab();
    ContainerdLab(const ContainerdLab&) = delete;
    ContainerdLab& operator=(const ContainerdLab&) = delete;

    const std::string& name() const { return m_name; }
    const nlohmann::json& description() const { return m_description; }
    /// pods.json: {"nodes": {NODE: [{uid, namespace, name, role, owner, sandbox_id, labels,
    /// containers: [{name, id}]}]}} as the kubelet stand-in first made them.
    const nlohmann::json& pods() const { return m_pods; }
    std::string description_path() const;

    /// Runs argv inside NODE's mount and network namespaces (as its SSH sessions see them).
    ProcessResult node_exec(const std::string& node, const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

    /// Runs `sh -c SCRIPT` inside CONTAINER_ID (a running task on NODE) with `ctr tasks exec`,
    /// as seen from inside the pod: its network namespace, its busybox root filesystem.
    ProcessResult pod_exec(const std::string& node, const std::string& container_id,
                           const std::string& script,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

    /// NODE's flavour: "v1/none", "v2/none" or "v2/systemd".
    std::string flavour(const std::string& node) const;

    /// The state of the cgroup freezer of PID (as NODE sees its PIDs: a systemd node has its own
    /// PID namespace), read inside NODE: FROZEN, FREEZING or THAWED; a v1 node's freezer.state,
    /// a v2 node's cgroup.events ("frozen 1": FROZEN) and cgroup.freeze ("1": FREEZING).
    /// "no freezer cgroup" when PID has none (or is gone).
    std::string freezer_state(const std::string& node, long pid) const;

    /// The `State:` of PID's /proc/PID/status inside NODE ("gone" when it has none). A frozen task
    /// shows `D (disk sleep)` under cgroup v1 and `S (sleeping)` under v2.
    std::string process_state(const std::string& node, long pid) const;

    /// The network namespace (`net:[INODE]`, as the host names it too) of every task on NODE
    /// with a process: container ID to namespace, read inside NODE (whose PIDs may be its own).
    std::map<std::string, std::string> task_net_namespaces(const std::string& node) const;

    /// NODE's tasks as `ctr tasks ls` lists them: container ID to PID (0 when it has none), as
    /// NODE sees its PIDs (a systemd node has its own PID namespace: use them inside NODE).
    std::map<std::string, long> task_pids(const std::string& node) const;
    /// The IDs of the sandboxes and containers of NODE's pods whose pods.json role is ROLE
    /// ("target" or "decoy"), as the kubelet stand-in first made them.
    std::set<std::string> pod_task_ids(const std::string& node, const std::string& role) const;

    /// Runs COMMAND on NODE as USER with the plain OpenSSH client.
    ProcessResult ssh(const std::string& node, const std::string& command,
                      const std::string& user = "root",
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

    /// Runs `breakglass ARGS...` inside the fleet's network namespace.
    ProcessResult breakglass(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;

    /// Imports the fleet's inventory into DIR and signs every shipped playbook
    /// (playbooks/sign-shipped) with the lab's signer key for this fleet's cluster; returns the
    /// flags that point breakglass at them (-i, --playbooks, --allowed-signers, --state-dir).
    /// Throws when either step fails.
    std::vector<std::string> shipped_playbook_flags(const std::string& dir) const;

    /// `breakglass ARGS...` as breakglass(), its standard output parsed as one JSON document
    /// (an empty object, and a test failure, when it is not); the exit code into *EXIT_CODE.
    nlohmann::json breakglass_json(const std::vector<std::string>& args,
                                   int* exit_code = nullptr) const;

    /// Waits until NODE's kubelet stand-in has finished `passes` more passes over its pods
    /// (each recreates whatever it would): "the kubelet did not react" is then a state, not
    /// a sleep. False if the stand-in is not running or a minute goes by.
    bool wait_for_kubelet_passes(const std::string& node, int passes = 2) const;
    /// The same for every node of NODES at once (their stand-ins run side by side, so waiting
    /// for each in turn would only add up their passes).
    bool wait_for_kubelet_passes(const std::vector<std::string>& nodes, int passes = 2) const;
    /// Brings the fleet down now (the destructor then does nothing more).
    ProcessResult down();

    /// Why containerd lab tests cannot run here, or empty when they can.
    static std::string missing_prerequisite();

private:
    std::string m_name;
    nlohmann::json m_description;
    nlohmann::json m_pods;
    bool m_up = false;
};

/// A containerd lab fleet with its inventory imported and the shipped playbooks signed for it
/// (in a directory of its own); `flags` point breakglass at them.
struct SignedFleet {
    SignedFleet(const std::string& purpose, int nodes, std::vector<std::string> faults,
                std::vector<std::string> flavours);

    TempDir dir;
    std::unique_ptr<ContainerdLab> lab;
    std::vector<std::string> flags; // -i, --playbooks, --allowed-signers, --state-dir
    std::string inventory;          // the signed inventory (also in flags)
    std::vector<std::string> nodes; // node names, in fleet order
};

/// A fleet shared by the cases of one gtest suite, made in SetUpTestSuite. An exception there
/// cannot fail a case, so the reason is kept for the cases' SetUp to report.
template <typename Fleet> class SuiteFleet {
public:
    template <typename... Args> void bring_up(Args&&... args) {
        if (!ContainerdLab::missing_prerequisite().empty()) {
            return; // each case skips with the reason
        }
        try {
            m_fleet = std::make_unique<Fleet>(std::forward<Args>(args)...);
        } catch (const std::exception& error) {
            m_failure = error.what();
        }
    }
    void reset() { m_fleet.reset(); }
    Fleet* get() const { return m_fleet.get(); }
    const std::string& failure() const { return m_failure; }

private:
    std::unique_ptr<Fleet> m_fleet;
    std::string m_failure;
};

/// The "nodes" of a breakglass JSON document by node name.
std::map<std::string, nlohmann::json> nodes_by_name(const nlohmann::json& document);

/// A sh script that defines the matching library (playbooks/lib/daemonset_match.sh and, for
/// nodes without ctr, daemonset_crictl.sh), sets
/// DS_NAMESPACE and DS_NAME, and runs bg_ds_match: what the DaemonSet playbooks will inline.
std::string daemonset_match_script(const std::string& ds_namespace, const std::string& ds_name);

} // namespace breakglass::testing
