#pragma once

#include "audit/appender.hpp"
#include "audit/end_reason.hpp"
#include "cli/context.hpp"
#include "cli/playbook_load.hpp"
#include "cli/selection_flags.hpp"
#include "config/settings.hpp"
#include "rollout/wave_plan.hpp"
#include "transport/node_result.hpp"
#include "transport/node_session.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

/// The local user (its uid when it has no name) and host name, as run-start records them.
std::string local_user();
std::string local_host();

/// The parameters that name this run in each node's journal (playbooks/lib/node_journal.sh):
/// run_id (context.run_id, made here once: RunAudit records the same id), responder
/// (USER@HOST, containment::journal_responder) and lock_wait_seconds.
std::vector<std::string> node_journal_params(Context& context, const std::string& lock_wait);

/// The audit log the settings name: audit_log, else STATE_DIR/audit.jsonl.
std::filesystem::path audit_log_path(const config::Settings& settings);

/// The playbook part of a run-start record: name, version, path, sha256 of the verified
/// bytes, signer principal and fingerprint, and the bound parameters (values included: they
/// are part of what was reviewed, so secrets never belong in parameters).
nlohmann::json playbook_audit_fields(const LoadedPlaybook& loaded);

/// The audit records of one run that contacts nodes (exec, run, daemonset, kubelet): run-start
/// and wave-start before any node of the wave is contacted (fsynced), one node-result per node
/// as it finishes (outputs only as SHA-256 and size), run-end with counts by status and the end
/// reason. Records are appended one at a time (see audit::AuditLog), never holding the log.
class RunAudit {
public:
    RunAudit(const Context& context, const config::Settings& settings,
             const SelectedFleet& selected);

    /// Appends run-start, fsynced, with the plan: the stages of `waves` (canary first), or one
    /// stage of every target for a run without waves (null). Throws Failure 4 naming the log and
    /// the cause when it cannot be written: the run is refused before any node is contacted.
    void start(const std::vector<transport::NodeTarget>& targets, const transport::NodeJob& job,
               const rollout::WavePlan* waves);

    /// Appends the next stage's wave-start (numbered from 1) with `targets`, fsynced; false (and
    /// the reason kept for finish) when it cannot be written: do not contact that stage.
    bool wave_start(const std::vector<transport::NodeTarget>& targets);

    /// Appends node-result for selected node `index` (selection order). A record that cannot be
    /// written is counted and reported by finish; the nodes already contacted are not abandoned.
    void node_finished(std::size_t index, const transport::NodeResult& result);

    /// True while every record so far was written.
    bool healthy() const { return !m_failure.has_value(); }

    /// Why the run ended (audit::end_reason_of); deadline also when a node ended by the run's
    /// deadline.
    audit::EndReason end_reason(bool interrupted, bool budget_crossed, bool declined,
                                bool deadline_stop) const;

    /// Appends run-end, prints "audit: chain head HEX (N records) in PATH" on stderr, and signs
    /// a checkpoint (PATH.checkpoint, .sig) when audit_key is set (a failure there is a
    /// warning). Returns config_or_state when any record was lost, else ok.
    ExitCode finish(audit::EndReason reason);

private:
    const Context& m_context;
    const config::Settings& m_settings;
    const SelectedFleet& m_selected;
    audit::AuditLog m_log;
    std::string m_run_id;
    std::map<std::string, std::uint64_t> m_counts;
    std::optional<std::string> m_failure; // the first record that could not be written
    std::uint64_t m_lost = 0;
    bool m_deadline_reached = false;
    std::size_t m_waves = 0;
    const std::string& node_job_sha256(const transport::NodeJob& job);

    std::string m_job_sha256; // the run's job; a node with a job of its own has its own digest
    // The digests of the nodes' own jobs, by job: they live as long as the run's targets.
    std::unordered_map<const transport::NodeJob*, std::string> m_node_job_sha256;
};

} // namespace breakglass::cli
