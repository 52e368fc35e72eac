#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace breakglass::cli {

/// Adds the global options and every subcommand to `app`; what they parse goes to `context`.
/// Apart from `run`, for tests that walk the whole command line (every option's spelling).
void add_everything(CLI::App& app, Context& context);

/// Parses the command line, runs one subcommand and returns the process exit code. The only
/// place where errors become messages and exit codes.
int run(int argc, char** argv);

} // namespace breakglass::cli
