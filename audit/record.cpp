#include "audit/record.hpp"

#include "playbooks/digest.hpp"

#include <chrono>
#include <cstdio>

namespace breakglass::audit {

std::string sha256_hex(std::string_view bytes) {
    return playbooks::sha256_hex(bytes);
}

std::string canonical_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string record_hash(const nlohmann::json& record) {
    nlohmann::json unhashed = record;
    if (unhashed.is_object()) {
        unhashed.erase("hash");
    }
    return sha256_hex(canonical_text(unhashed));
}

std::string seal_record(nlohmann::json record, std::uint64_t seq, std::string_view prev,
                        std::string_view ts) {
    record["v"] = k_record_version;
    record["seq"] = seq;
    record["ts"] = ts;
    record["prev"] = prev;
    record.erase("hash");
    record["hash"] = record_hash(record);
    return canonical_text(record);
}

std::string text_field(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) {
        return {};
    }
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<std::uint64_t> count_field(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    auto found = object.find(key);
    if (found == object.end() || !found->is_number_integer()) {
        return std::nullopt;
    }
    if (found->is_number_unsigned()) {
        return found->get<std::uint64_t>();
    }
    const auto value = found->get<std::int64_t>();
    return value < 0 ? std::nullopt
                     : std::optional<std::uint64_t>(static_cast<std::uint64_t>(value));
}

std::string now_timestamp() {
    using namespace std::chrono;
    const auto now = time_point_cast<milliseconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> time{now - day};
    char text[32];
    std::snprintf(
        text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
        static_cast<long>(time.seconds().count()), static_cast<long>(time.subseconds().count()));
    return text;
}

} // namespace breakglass::audit
