#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// What an organisation decides when it signs a shipped playbook: where it may run and for how
/// long. The source carries everything else.
struct BundleStamp {
    std::vector<std::string> clusters;
    std::chrono::sys_seconds issued_at;
    std::chrono::sys_seconds expires;
};

/// Turns a shipped playbook source (playbooks/shipped/NAME.json: a breakglass/v1 playbook
/// without issued_at, expires and scope, plus "libraries", file names in `lib_dir`) into the
/// playbook that gets signed: every library is inlined, in order, before the run text of every
/// step and of verify (a node has nothing but what it is sent), and the stamp is applied. The
/// result is checked by parse_playbook before it is returned; the error is one line.
tl::expected<std::string, std::string> bundle_playbook(std::string_view source,
                                                       const std::filesystem::path& lib_dir,
                                                       const BundleStamp& stamp);

} // namespace breakglass::playbooks
