#pragma once

namespace breakglass::cli {

/// Sets up the one stderr logger the libraries log through. 0 shows warnings, each -v adds
/// detail (info, then debug), -q (negative) shows errors only.
void init_logging(int verbosity);

} // namespace breakglass::cli
