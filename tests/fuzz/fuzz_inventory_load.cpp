// libFuzzer target: the inventory cache reader. Two properties beyond "no crash": the JSON pull
// reader accepts exactly what nlohmann's strict parser accepts, and whatever loads writes back
// to text that loads to the same text again.

#include "inventory/inventory_loader.hpp"
#include "inventory/inventory_writer.hpp"
#include "inventory/json_pull.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

namespace {

// Whole-document verdict of the pull reader: accepted, rejected, or rejected for depth alone
// (a limit nlohmann does not have).
enum class Verdict { accepted, rejected, too_deep };

Verdict pull_verdict(std::string_view text) {
    breakglass::inventory::JsonPullReader reader(text);
    while (true) {
        switch (reader.next()) {
        case breakglass::inventory::JsonPullReader::Event::end:
            return Verdict::accepted;
        case breakglass::inventory::JsonPullReader::Event::error:
            return reader.error().find("nested too deeply") != std::string::npos
                       ? Verdict::too_deep
                       : Verdict::rejected;
        default:
            break;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const Verdict verdict = pull_verdict(text);
    // nlohmann stops at a NUL byte as if the input ended there; the pull reader rejects it.
    const bool comparable = text.find('\0') == std::string_view::npos;
    if (comparable && verdict != Verdict::too_deep &&
        (verdict == Verdict::accepted) != nlohmann::json::accept(text)) {
        std::abort();
    }
    auto inventory = breakglass::inventory::parse_inventory(text);
    if (!inventory) {
        return 0;
    }
    std::ostringstream first;
    breakglass::inventory::write_inventory(*inventory, first);
    auto again = breakglass::inventory::parse_inventory(first.str());
    if (!again) {
        std::abort();
    }
    std::ostringstream second;
    breakglass::inventory::write_inventory(*again, second);
    if (first.str() != second.str()) {
        std::abort();
    }
    return 0;
}
