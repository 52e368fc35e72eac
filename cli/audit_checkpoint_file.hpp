#pragma once

#include "audit/checkpoint.hpp"

#include <filesystem>
#include <string>

namespace breakglass::cli {

/// Writes checkpoint_text(checkpoint) to `out` (replacing it whole, 0600, fsynced) and, when
/// `key` is not empty, signs it into OUT.sig with ssh-keygen in namespace breakglass-audit; a
/// stale OUT.sig is removed either way. Both are made under temporary names and renamed into
/// place together under a lock on the directory. Throws Failure 4 naming the file or
/// ssh-keygen's complaint.
void write_checkpoint(const audit::Checkpoint& checkpoint, const std::filesystem::path& out,
                      const std::string& key);

} // namespace breakglass::cli
