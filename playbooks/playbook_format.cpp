#include "playbooks/playbook_format.hpp"

#include "base/json_duplicate_keys.hpp"
#include "base/rfc3339.hpp"
#include "config/units.hpp"
#include "playbooks/parameters.hpp"
#include "playbooks/shell_words.hpp"
#include "rollout/limits_text.hpp"

#include <algorithm>
#include <initializer_list>
#include <limits>

namespace breakglass::playbooks {

namespace {

using nlohmann::json;

// Parsing stops at the first error: thrown inside this file only, returned as a value.
struct FormatError {
    std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw FormatError{where + ": " + what};
}

const json& object_at(const json& value, const std::string& where,
                      std::initializer_list<std::string_view> allowed) {
    if (!value.is_object()) {
        fail(where, "must be an object");
    }
    for (const auto& [key, member] : value.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            fail(where, "unknown field '" + key + "'");
        }
    }
    return value;
}

const json* member(const json& object, const std::string& key) {
    auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

const json& required(const json& object, const std::string& where, const std::string& key) {
    const json* value = member(object, key);
    if (value == nullptr) {
        fail(where, "missing field '" + key + "'");
    }
    return *value;
}

std::string text(const json& value, const std::string& where, bool non_empty = true) {
    if (!value.is_string()) {
        fail(where, "must be a string");
    }
    std::string result = value.get<std::string>();
    if (non_empty && result.empty()) {
        fail(where, "must not be empty");
    }
    return result;
}

bool flag(const json& object, const std::string& where, const std::string& key) {
    const json* value = member(object, key);
    if (value == nullptr) {
        return false;
    }
    if (!value->is_boolean()) {
        fail(where + "." + key, "must be true or false");
    }
    return value->get<bool>();
}

std::chrono::sys_seconds time_at(const json& object, const std::string& key) {
    auto parsed = base::parse_rfc3339(text(required(object, "playbook", key), key));
    if (!parsed) {
        fail(key, "not an RFC 3339 date-time (e.g. 2026-11-24T22:00:00Z)");
    }
    return *parsed;
}

std::optional<std::chrono::milliseconds> timeout_at(const json& object, const std::string& where) {
    const json* value = member(object, "timeout");
    if (value == nullptr) {
        return std::nullopt;
    }
    auto parsed = config::parse_duration(text(*value, where + ".timeout"));
    if (!parsed || parsed->count() <= 0) {
        fail(where + ".timeout", "must be a positive duration such as 30s or 5m");
    }
    return *parsed;
}

// Scripts never see templating: "{{" in any string (also when written as \u escapes) refuses.
void refuse_templates(const json& value, const std::string& where) {
    if (value.is_string()) {
        if (value.get_ref<const std::string&>().find("{{") != std::string::npos) {
            fail(where,
                 "contains '{{': playbooks take parameters as shell variables, not templates");
        }
    } else if (value.is_structured()) {
        for (const auto& [key, child] : value.items()) {
            if (key.find("{{") != std::string::npos) {
                fail(where,
                     "contains '{{': playbooks take parameters as shell variables, not templates");
            }
            refuse_templates(child, std::string(where).append(".").append(key));
        }
    }
}

ParamSpec parse_param(const std::string& name, const json& value) {
    const std::string where = "params." + name;
    if (!is_parameter_name(name)) {
        fail(where, "not a usable shell variable name (letters, digits, _; not PATH, IFS, ...)");
    }
    object_at(value, where, {"pattern", "description", "required", "default"});
    ParamSpec spec;
    spec.name = name;
    spec.pattern = text(required(value, where, "pattern"), where + ".pattern");
    auto compiled = compile_pattern(spec.pattern);
    if (!compiled) {
        fail(where + ".pattern", compiled.error());
    }
    if (const json* description = member(value, "description")) {
        spec.description = text(*description, where + ".description", false);
    }
    spec.required = flag(value, where, "required");
    if (const json* fallback = member(value, "default")) {
        if (spec.required) {
            fail(where, "a required parameter has no default");
        }
        spec.default_value = text(*fallback, where + ".default", false);
        if (!std::regex_match(*spec.default_value, *compiled)) {
            fail(where + ".default", "does not match the pattern");
        }
    }
    return spec;
}

PlaybookStep parse_step(const json& value, std::size_t index) {
    const std::string where = "steps[" + std::to_string(index) + "]";
    object_at(value, where, {"name", "run", "timeout", "mutates", "become"});
    PlaybookStep step;
    step.name = text(required(value, where, "name"), where + ".name");
    step.run = text(required(value, where, "run"), where + ".run");
    step.timeout = timeout_at(value, where);
    step.mutates = flag(value, where, "mutates");
    step.become = flag(value, where, "become");
    return step;
}

json parse_rollout(const json& value) {
    if (!value.is_object()) {
        fail("rollout", "must be an object");
    }
    for (const auto& [key, setting] : value.items()) {
        if (std::find(std::begin(k_rollout_keys), std::end(k_rollout_keys), key) ==
            std::end(k_rollout_keys)) {
            fail("rollout", "unknown field '" + key + "'");
        }
        const bool count = key == "parallel" || key == "rate" || key == "jump_parallel";
        const std::int64_t least = key == "rate" ? 0 : 1; // rate 0: unlimited
        if (count && (!setting.is_number_integer() || setting.get<std::int64_t>() < least)) {
            fail("rollout." + key, "must be an integer, " + std::to_string(least) + " or more");
        }
        // The rollout's own limits, in the one grammar of rollout/limits_text.hpp.
        if (key == "canary" &&
            (!setting.is_number_integer() || setting.get<std::int64_t>() < 0 ||
             !rollout::parse_canary(std::to_string(setting.get<std::int64_t>())))) {
            fail("rollout.canary", "must be a whole number of nodes, 0 (none) or more");
        }
        if (key == "waves" || key == "max_failures") {
            const auto* text =
                setting.is_string() ? &setting.get_ref<const std::string&>() : nullptr;
            if (text == nullptr) {
                fail("rollout." + key,
                     "must be a string such as " +
                         std::string(key == "waves" ? R"("5%,25%,100%")" : R"("10%" or "3")"));
            }
            auto parsed = key == "waves"
                              ? rollout::parse_waves(*text).map([](auto) { return 0; })
                              : rollout::parse_max_failures(*text).map([](auto) { return 0; });
            if (!parsed) {
                fail("rollout." + key, parsed.error().message);
            }
        }
        const bool duration = !count && key != "canary" && key != "waves" && key != "max_failures";
        if (duration && (!setting.is_string() ||
                         !config::parse_duration(setting.get_ref<const std::string&>()))) {
            fail("rollout." + key, "must be a duration such as 30s or 5m");
        }
    }
    return value;
}

Playbook parse_document(const json& document) {
    refuse_templates(document, "playbook");
    object_at(document, "playbook",
              {"apiVersion", "kind", "metadata", "issued_at", "expires", "scope", "params", "steps",
               "verify", "rollout"});
    if (text(required(document, "playbook", "apiVersion"), "apiVersion") !=
        k_playbook_api_version) {
        fail("apiVersion", "must be breakglass/v1");
    }
    if (text(required(document, "playbook", "kind"), "kind") != k_playbook_kind) {
        fail("kind", "must be Playbook");
    }
    Playbook playbook;
    const json& metadata = object_at(required(document, "playbook", "metadata"), "metadata",
                                     {"name", "version", "description"});
    playbook.name = text(required(metadata, "metadata", "name"), "metadata.name");
    const json& version = required(metadata, "metadata", "version");
    if (!version.is_number_integer() || version.get<std::int64_t>() < 1 ||
        (version.is_number_unsigned() &&
         version.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))) {
        fail("metadata.version", "must be an integer above 0");
    }
    playbook.version = version.get<std::int64_t>();
    if (const json* description = member(metadata, "description")) {
        playbook.description = text(*description, "metadata.description", false);
    }
    playbook.issued_at = time_at(document, "issued_at");
    playbook.expires = time_at(document, "expires");
    if (playbook.expires <= playbook.issued_at) {
        fail("expires", "must be after issued_at");
    }
    const json& scope = object_at(required(document, "playbook", "scope"), "scope", {"clusters"});
    const json& clusters = required(scope, "scope", "clusters");
    if (!clusters.is_array() || clusters.empty()) {
        fail("scope.clusters", "must be a non-empty array of cluster names");
    }
    for (const json& cluster : clusters) {
        playbook.clusters.push_back(text(cluster, "scope.clusters"));
    }
    if (const json* params = member(document, "params")) {
        if (!params->is_object()) {
            fail("params", "must be an object");
        }
        for (const auto& [name, value] : params->items()) {
            playbook.params.push_back(parse_param(name, value));
        }
    }
    const json& steps = required(document, "playbook", "steps");
    if (!steps.is_array() || steps.empty()) {
        fail("steps", "must be a non-empty array");
    }
    for (std::size_t index = 0; index < steps.size(); ++index) {
        playbook.steps.push_back(parse_step(steps[index], index));
    }
    if (const json* verify = member(document, "verify")) {
        object_at(*verify, "verify", {"run", "timeout", "become"});
        playbook.verify =
            VerifyStep{text(required(*verify, "verify", "run"), "verify.run"),
                       timeout_at(*verify, "verify"), flag(*verify, "verify", "become")};
    }
    if (const json* rollout = member(document, "rollout")) {
        playbook.rollout = parse_rollout(*rollout);
    }
    return playbook;
}

} // namespace

tl::expected<Playbook, std::string> parse_playbook(std::string_view text) {
    if (text.find("{{") != std::string_view::npos) {
        return tl::unexpected(std::string(
            "contains '{{': playbooks take parameters as shell variables, not templates"));
    }
    // nlohmann keeps the last of two equal keys; a reviewer's viewer may show the first.
    if (auto repeated = base::find_duplicate_json_key(text)) {
        return tl::unexpected(*repeated + ": key appears twice");
    }
    json document;
    try {
        document = json::parse(text.begin(), text.end());
    } catch (const json::exception& error) {
        // parse_error, and out_of_range for a number beyond double.
        return tl::unexpected("not JSON: " + std::string(error.what()));
    }
    try {
        return parse_document(document);
    } catch (const FormatError& error) {
        return tl::unexpected(error.message);
    } catch (const json::exception& error) {
        return tl::unexpected("unexpected JSON: " + std::string(error.what()));
    }
}

} // namespace breakglass::playbooks
