#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace breakglass::playbooks {

/// Parses an allowed_signers valid-after/valid-before time as ssh-keygen 9.2 does: YYYYMMDD,
/// YYYYMMDDHHMM or YYYYMMDDHHMMSS, in UTC when suffixed "Z" or "UTC" (any case), else in the
/// process's local time zone (TZ) taken as standard time: like ssh-keygen, daylight saving is
/// not applied, so in summer a local time means one hour later than the wall clock says.
/// Returns seconds since the Unix epoch; nullopt for any other text or a time not after 1970.
std::optional<std::int64_t> parse_signer_time(std::string_view text);

} // namespace breakglass::playbooks
