#include "cli/interrupt.hpp"

#include <csignal>
#include <unistd.h>

namespace breakglass::cli {

namespace {

std::atomic<bool> g_interrupted{false}; // NOLINT: written from a signal handler

void on_signal(int) {
    if (g_interrupted.exchange(true)) {
        ::_exit(130); // second Ctrl-C: the responder means it
    }
}

} // namespace

const std::atomic<bool>& interrupted() {
    return g_interrupted;
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a closed pipe must not kill a run half-way
}

} // namespace breakglass::cli
