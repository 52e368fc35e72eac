#include "base/shell_quote.hpp"

namespace breakglass::base {

std::string shell_quote(std::string_view text) {
    // Inside single quotes nothing is special but the quote itself: close, escape it, reopen.
    std::string quoted(1, '\'');
    std::size_t start = 0;
    for (std::size_t quote = text.find('\''); quote != std::string_view::npos;
         quote = text.find('\'', start)) {
        quoted.append(text.substr(start, quote - start)).append("'\\''");
        start = quote + 1;
    }
    quoted.append(text.substr(start)).push_back('\'');
    return quoted;
}

} // namespace breakglass::base
