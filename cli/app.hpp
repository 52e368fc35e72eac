#pragma once

namespace breakglass::cli {

/// Parses the command line, runs one subcommand and returns the process exit code. The only
/// place where errors become messages and exit codes.
int run(int argc, char** argv);

} // namespace breakglass::cli
