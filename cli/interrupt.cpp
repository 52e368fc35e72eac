#include "cli/interrupt.hpp"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace breakglass::cli {

namespace {

// Written from the signal handler: lock-free atomics only.
std::atomic<int> g_signals{0};          // NOLINT
std::atomic<bool> g_cancel{false};      // NOLINT
std::atomic<bool> g_drain_first{false}; // NOLINT

// write(2) is async-signal-safe; the responder learns at once what the signal did.
void say(const char* text, std::size_t size) {
    const ssize_t ignored = ::write(STDERR_FILENO, text, size);
    static_cast<void>(ignored);
}

void on_signal(int) {
    // The interrupted code may be about to read errno (after a failed write, say).
    const int saved_errno = errno;
    const int count = g_signals.fetch_add(1) + 1;
    if (count >= 3) {
        ::_exit(130);
    }
    if (count >= 2 || !g_drain_first.load()) {
        g_cancel.store(true);
    }
    if (count == 1 && g_drain_first.load()) {
        static const char text[] = "\nbreakglass: signal: starting no new node; nodes in flight "
                                   "finish within their timeouts (signal again to cancel them)\n";
        say(text, sizeof text - 1);
    } else if (count == 2) {
        static const char text[] = "\nbreakglass: second signal: cancelling nodes in flight\n";
        say(text, sizeof text - 1);
    }
    errno = saved_errno;
}

} // namespace

int signals_received() {
    return g_signals.load();
}

const std::atomic<bool>& interrupted() {
    return g_cancel;
}

bool draining() {
    return g_signals.load() > 0;
}

void set_drain_first(bool drain_first) {
    g_drain_first.store(drain_first);
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGHUP, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a closed pipe must not kill a run half-way
}

} // namespace breakglass::cli
