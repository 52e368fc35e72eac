#pragma once

#include <string_view>

namespace breakglass::playbooks {

/// OpenSSH's match_pattern: `*` matches any run of characters, `?` any one; case-sensitive.
bool match_pattern(std::string_view text, std::string_view pattern);

enum class ListMatch { none, positive, negated };

/// OpenSSH's match_pattern_list over a comma-separated list where `!pattern` negates: a negated
/// match wins over any positive one; otherwise positive if any pattern matches.
ListMatch match_pattern_list(std::string_view text, std::string_view list);

} // namespace breakglass::playbooks
