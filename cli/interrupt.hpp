#pragma once

#include <atomic>

namespace breakglass::cli {

/// Set by SIGINT/SIGTERM once install_interrupt_handler() ran; long operations poll it and end
/// every node with a clear status, then the command exits 130.
const std::atomic<bool>& interrupted();

/// Installs the handlers (idempotent). A second signal exits at once.
void install_interrupt_handler();

} // namespace breakglass::cli
