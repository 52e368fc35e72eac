#include "tests/integration/support/shell_quote.hpp"

namespace breakglass::testing {

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

} // namespace breakglass::testing
