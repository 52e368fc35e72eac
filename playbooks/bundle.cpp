#include "playbooks/bundle.hpp"

#include "base/json_duplicate_keys.hpp"
#include "base/rfc3339.hpp"
#include "playbooks/playbook_format.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace breakglass::playbooks {

namespace {

using Json = nlohmann::ordered_json;

// A library name is a plain file name in lib_dir: never a path that leaves it.
bool plain_file_name(const std::string& name) {
    return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}

tl::expected<std::string, std::string> read_library(const std::filesystem::path& lib_dir,
                                                    const std::string& name) {
    if (!plain_file_name(name)) {
        return tl::unexpected("library '" + name + "' is not a file name in " + lib_dir.string());
    }
    const std::filesystem::path path = lib_dir / name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return tl::unexpected("cannot read library " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string body = text.str();
    if (!body.empty() && body.back() != '\n') {
        body += '\n';
    }
    return "# ---- library " + name + " (inlined by breakglass playbook bundle) ----\n" + body +
           "# ---- end of library " + name + " ----\n";
}

} // namespace

tl::expected<std::string, std::string> bundle_playbook(std::string_view source,
                                                       const std::filesystem::path& lib_dir,
                                                       const BundleStamp& stamp) {
    if (auto repeated = base::find_duplicate_json_key(source)) {
        return tl::unexpected("source: " + *repeated + ": key appears twice");
    }
    Json document = Json::parse(source, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return tl::unexpected(std::string("source is not a JSON object"));
    }
    for (const char* stamped : {"issued_at", "expires", "scope"}) {
        if (document.contains(stamped)) {
            return tl::unexpected(std::string("source sets '") + stamped +
                                  "': that is decided when it is signed");
        }
    }
    if (stamp.clusters.empty()) {
        return tl::unexpected(
            std::string("no cluster given: a playbook is signed for named clusters"));
    }
    std::string prelude;
    if (auto libraries = document.find("libraries"); libraries != document.end()) {
        if (!libraries->is_array()) {
            return tl::unexpected(std::string("'libraries' must be an array of file names"));
        }
        for (const Json& name : *libraries) {
            if (!name.is_string()) {
                return tl::unexpected(std::string("'libraries' must be an array of file names"));
            }
            auto text = read_library(lib_dir, name.get<std::string>());
            if (!text) {
                return tl::unexpected(text.error());
            }
            prelude += *text;
        }
        document.erase(libraries);
    }
    auto inline_into = [&prelude](Json& step) {
        if (step.is_object() && step.contains("run") && step["run"].is_string()) {
            step["run"] = prelude + step["run"].get<std::string>();
        }
    };
    if (!prelude.empty()) {
        if (auto steps = document.find("steps"); steps != document.end() && steps->is_array()) {
            for (Json& step : *steps) {
                inline_into(step);
            }
        }
        if (auto verify = document.find("verify"); verify != document.end()) {
            inline_into(*verify);
        }
    }
    document["issued_at"] = base::format_rfc3339(stamp.issued_at);
    document["expires"] = base::format_rfc3339(stamp.expires);
    document["scope"] = Json{{"clusters", stamp.clusters}};
    std::string text = document.dump(2) + "\n";
    if (auto parsed = parse_playbook(text); !parsed) {
        return tl::unexpected("bundled playbook is invalid: " + parsed.error());
    }
    return text;
}

} // namespace breakglass::playbooks
