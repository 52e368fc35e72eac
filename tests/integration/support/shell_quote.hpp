#pragma once

#include <string>

namespace breakglass::testing {

/// WORD single-quoted for sh (every ' written as '\''): one word, nothing in it expanded.
std::string shell_quote(const std::string& word);

} // namespace breakglass::testing
