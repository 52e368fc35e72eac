#pragma once

#include "containment/actions.hpp"
#include "containment/failure_reason.hpp"
#include "containment/node_report.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace breakglass::containment {

/// How a node's run of a DaemonSet playbook ended, in containment's terms: cli/ translates the
/// transport's result into this (containment knows nothing of SSH).
struct NodeRun {
    bool ok = false;               // connected, and every step exited 0
    bool exited_non_zero = false;  // the playbook ran and a step exited non-zero, nothing more
                                   // specific known (not a timeout, become refusal, ...)
    std::optional<int> exit_code;  // when the exit status arrived
    std::string_view reason;       // the transport's reason word, shown as is, never branched on
    std::string message;           // the transport's one human line
    std::vector<StepOutput> steps; // each step's kept standard output, in order
    std::string_view last_stderr;  // the last step's kept standard error
};

/// What a node's run means for the action: the summary word, the reason and message shown, and
/// the report the playbook printed.
struct NodeJudgement {
    bool failed = true;   // the word is "failed": the command's exit status says so
    bool already = false; // nothing to do because the pods were already in that state
    std::string word;     // "contained", "already restored", "running", "failed", ...
    std::string reason;   // the transport's word, or to_string(FailureReason): what is shown
    std::string message;
    NodeReport report;
};

/// Judges one node. The report is read from every step's output (parse_kept_report); output it
/// cannot read fails the node as bad-report with the parser's reason, whatever the exit status.
/// A step that exited non-zero takes failure_reason(exit code) as reason and the last line of
/// its standard error (the playbook's own one-line reason) as message. `status` words its
/// result by Presence (running, contained, absent), every other action by ActionOutcome.
NodeJudgement judge_node(const ActionSpec& action, const NodeRun& run);

} // namespace breakglass::containment
