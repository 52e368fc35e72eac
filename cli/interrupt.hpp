#pragma once

#include <atomic>

namespace breakglass::cli {

/// SIGINT, SIGTERM and SIGHUP received since install_interrupt_handler() ran. What a signal
/// means is the run's choice (issue 19): a mutating run's first signal starts nothing new and
/// lets nodes in flight finish (see draining()), its second cancels them at once
/// (interrupted()); a read-only run cancels at the first. A third signal exits 130 at once
/// without a report: the responder's last resort if a report itself hangs.
int signals_received();

/// True once the run should cancel in-flight sessions: the second signal, or the first of a
/// run that drains nothing (set_drain_first(false), the default).
const std::atomic<bool>& interrupted();

/// True once any signal arrived: start no new node.
bool draining();

/// Whether the first signal only drains (mutating runs) rather than cancelling.
void set_drain_first(bool drain_first);

/// Installs the handlers (idempotent); SIGPIPE is ignored.
void install_interrupt_handler();

} // namespace breakglass::cli
