#include "containment/caveats.hpp"

#include <algorithm>

namespace breakglass::containment {

namespace {

std::string_view consequence(std::string_view why) {
    if (why == "CAP_NET_ADMIN") {
        return "can rewrite or remove the isolation rules";
    }
    if (why == "CAP_NET_RAW") {
        return "can send packets through raw packet sockets that iptables never sees";
    }
    if (why == "capabilities-unreadable") {
        return "its capabilities could not be read, so bypassing cannot be ruled out";
    }
    return "";
}

} // namespace

std::string describe(const Caveat& caveat) {
    std::string line = caveat.kind + ": container " + caveat.container + " of pod " + caveat.pod;
    std::string sep = " ";
    for (const std::string& why : caveat.why) {
        const std::string_view meaning = consequence(why);
        line += sep;
        line += why.starts_with("CAP_") ? "holds " + why : why;
        if (!meaning.empty()) {
            line += " (" + std::string(meaning) + ")";
        }
        sep = ", ";
    }
    return line;
}

std::vector<std::string> caveat_kinds(const NodeReport& report) {
    std::vector<std::string> kinds;
    for (const Caveat& caveat : report.caveats) {
        kinds.push_back(caveat.kind);
    }
    std::sort(kinds.begin(), kinds.end());
    kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
    return kinds;
}

} // namespace breakglass::containment
