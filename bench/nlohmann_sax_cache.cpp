// The bench's peer for the pull parser: nlohmann's SAX parser driving a handler that applies the
// same per-field rules and builds the same Inventory. It is the loader's path before the pull
// reader replaced it (inventory_loader.cpp at 099accb, then cache_reader.cpp's handler up to
// issue 18), kept here only to be measured against.
#include "bench/nlohmann_sax_cache.hpp"

#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/label_interner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>

#include <nlohmann/json.hpp>

namespace breakglass::bench {

namespace {

using namespace breakglass::inventory;

enum class At {
    start,
    top,
    top_value,
    defaults,
    defaults_value,
    identities,
    nodes,
    node,
    node_value,
    labels,
    label_value,
    host_keys,
    done,
};

enum class Kind { null, boolean, number, string, object, array };

// Field bits, to find a missing or repeated field without string compares at the end.
enum Field : unsigned {
    f_schema_version = 1U << 0U,
    f_cluster = 1U << 1U,
    f_captured_at = 1U << 2U,
    f_source = 1U << 3U,
    f_defaults = 1U << 4U,
    f_nodes = 1U << 5U,
    f_name = 1U << 6U,
    f_address = 1U << 7U,
    f_port = 1U << 8U,
    f_user = 1U << 9U,
    f_labels = 1U << 10U,
    f_host_keys = 1U << 11U,
    f_scanned_at = 1U << 12U,
    f_jump = 1U << 13U,
    f_identities = 1U << 14U,
    f_become = 1U << 15U,
};

struct FieldName {
    std::string_view name;
    Field bit;
};

constexpr std::array<FieldName, 6> k_top_fields{{{"schema_version", f_schema_version},
                                                 {"cluster", f_cluster},
                                                 {"captured_at", f_captured_at},
                                                 {"source", f_source},
                                                 {"defaults", f_defaults},
                                                 {"nodes", f_nodes}}};
constexpr std::array<FieldName, 5> k_default_fields{{{"user", f_user},
                                                     {"port", f_port},
                                                     {"identities", f_identities},
                                                     {"become", f_become},
                                                     {"jump", f_jump}}};
constexpr std::array<FieldName, 8> k_node_fields{{{"name", f_name},
                                                  {"address", f_address},
                                                  {"port", f_port},
                                                  {"user", f_user},
                                                  {"labels", f_labels},
                                                  {"host_keys", f_host_keys},
                                                  {"host_keys_scanned_at", f_scanned_at},
                                                  {"jump", f_jump}}};

template <std::size_t N>
unsigned field_bit(const std::array<FieldName, N>& fields, std::string_view key) {
    for (const FieldName& field : fields) {
        if (field.name == key) {
            return field.bit;
        }
    }
    return 0;
}

// The SAX handler: builds the Inventory as the parser walks, keeping only the node in hand.
class CacheHandler {
public:
    Inventory inventory;
    std::string error;

    bool null() { return value(Kind::null, nullptr, 0); }
    bool boolean(bool /*unused*/) { return value(Kind::boolean, nullptr, 0); }
    // Out-of-range numbers arrive as -1 and floats as -2, as in the pull reader's adapter.
    bool number_integer(std::int64_t number) {
        return value(Kind::number, nullptr, std::max<std::int64_t>(number, -1));
    }
    bool number_unsigned(std::uint64_t number) {
        return value(Kind::number, nullptr,
                     number > 0xFFFFFFFFU ? -1 : static_cast<std::int64_t>(number));
    }
    bool number_float(double /*unused*/, const std::string& /*unused*/) {
        return value(Kind::number, nullptr, -2);
    }
    bool string(std::string& text) { return value(Kind::string, &text, 0); }
    bool binary(nlohmann::json::binary_t& /*unused*/) { return fail("unexpected binary value"); }
    bool start_object(std::size_t /*unused*/) { return value(Kind::object, nullptr, 0); }
    bool start_array(std::size_t /*unused*/) { return value(Kind::array, nullptr, 0); }
    bool parse_error(std::size_t /*unused*/, const std::string& /*unused*/,
                     const nlohmann::json::exception& failure) {
        return fail(failure.what());
    }

    bool key(std::string& name) {
        switch (m_at) {
        case At::top:
            return enter_field(k_top_fields, name, m_top_seen, At::top_value, "");
        case At::defaults:
            return enter_field(k_default_fields, name, m_defaults_seen, At::defaults_value,
                               "defaults: ");
        case At::node:
            return enter_field(k_node_fields, name, m_node_seen, At::node_value, node_label());
        case At::labels:
            m_label_key = name;
            m_at = At::label_value;
            return true;
        default:
            return fail("unexpected key '" + name + "'");
        }
    }

    bool end_object() {
        switch (m_at) {
        case At::top:
            return finish_top();
        case At::defaults:
            m_at = At::top;
            return true;
        case At::node:
            return finish_node();
        case At::labels:
            return finish_labels();
        default:
            return fail("unexpected '}'");
        }
    }

    bool end_array() {
        switch (m_at) {
        case At::identities:
            m_at = At::defaults;
            return true;
        case At::nodes:
            m_at = At::top;
            return true;
        case At::host_keys:
            m_at = At::node;
            return true;
        default:
            return fail("unexpected ']'");
        }
    }

private:
    bool fail(std::string message) {
        if (error.empty()) {
            error = std::move(message);
        }
        return false;
    }

    // How errors name the node in hand; rebuilt once per node, not per field.
    const std::string& node_label() const { return m_where; }

    template <std::size_t N>
    bool enter_field(const std::array<FieldName, N>& fields, const std::string& name,
                     unsigned& seen, At next, const std::string& where) {
        const unsigned bit = field_bit(fields, name);
        if (bit == 0) {
            return fail(where + "unknown field '" + name + "'");
        }
        if ((seen & bit) != 0) {
            return fail(where + "field '" + name + "' appears twice");
        }
        seen |= bit;
        m_field = static_cast<Field>(bit);
        m_at = next;
        return true;
    }

    bool wrong_type(const std::string& where, std::string_view field, std::string_view wanted) {
        return fail(where + "field '" + std::string(field) + "' must be " + std::string(wanted));
    }

    static std::string_view field_name(Field field) {
        for (const auto& list :
             {std::span<const FieldName>(k_top_fields), std::span<const FieldName>(k_node_fields),
              std::span<const FieldName>(k_default_fields)}) {
            for (const FieldName& entry : list) {
                if (entry.bit == field) {
                    return entry.name;
                }
            }
        }
        return "?";
    }

    bool read_port(Kind kind, std::int64_t number, const std::string& where, std::uint16_t& port) {
        if (kind != Kind::number || number < 1 || number > 65535) {
            return wrong_type(where, "port", "an integer from 1 to 65535");
        }
        port = static_cast<std::uint16_t>(number);
        return true;
    }

    bool read_time(Kind kind, const std::string* text, const std::string& where,
                   std::optional<TimePoint>& time) {
        if (kind == Kind::null) {
            time.reset();
            return true;
        }
        if (kind != Kind::string) {
            return wrong_type(where, field_name(m_field), "an RFC 3339 time");
        }
        auto parsed = base::parse_rfc3339(*text);
        if (!parsed) {
            return fail(where + std::string(field_name(m_field)) + ": " + parsed.error());
        }
        time = *parsed;
        return true;
    }

    bool value(Kind kind, std::string* text, std::int64_t number) {
        switch (m_at) {
        case At::start:
            if (kind != Kind::object) {
                return fail("the inventory must be a JSON object");
            }
            m_at = At::top;
            return true;
        case At::top_value:
            m_at = At::top;
            return top_value(kind, text, number);
        case At::defaults_value:
            m_at = At::defaults;
            return defaults_value(kind, text, number);
        case At::identities:
            if (kind != Kind::string) {
                return wrong_type("defaults: ", "identities", "an array of paths");
            }
            inventory.defaults.identities.push_back(*text);
            return true;
        case At::nodes:
            if (kind != Kind::object) {
                return fail("nodes[" + std::to_string(inventory.nodes.size()) +
                            "] must be an object");
            }
            m_node = Node{};
            m_node_seen = 0;
            m_where = "nodes[" + std::to_string(inventory.nodes.size()) + "]: ";
            m_labels.start_node();
            m_at = At::node;
            return true;
        case At::node_value:
            m_at = At::node;
            return node_value(kind, text, number);
        case At::label_value:
            m_at = At::labels;
            return label_value(kind, text);
        case At::host_keys: {
            if (kind != Kind::string) {
                return wrong_type(node_label(), "host_keys", "an array of OpenSSH public keys");
            }
            auto key = check_host_key(*text);
            if (!key) {
                return fail(node_label() + key.error());
            }
            m_node.host_keys.push_back(std::move(*key));
            return true;
        }
        default:
            return fail("unexpected value");
        }
    }

    bool top_value(Kind kind, std::string* text, std::int64_t number) {
        switch (m_field) {
        case f_schema_version:
            if (kind != Kind::number || number < 1) {
                return wrong_type("", "schema_version", "a positive integer");
            }
            if (number != k_schema_version) {
                return fail("schema_version " + std::to_string(number) +
                            " was written by a newer breakglass; this one reads " +
                            std::to_string(k_schema_version));
            }
            return true;
        case f_cluster:
            if (kind != Kind::string || text->empty()) {
                return wrong_type("", "cluster", "a non-empty string");
            }
            if (base::escape_terminal_line(*text) != *text) {
                return fail("cluster '" + base::escape_terminal_line(*text) +
                            "' contains a control character");
            }
            inventory.cluster = std::move(*text);
            return true;
        case f_captured_at: {
            std::optional<TimePoint> time;
            if (kind == Kind::null) {
                return wrong_type("", "captured_at", "an RFC 3339 time");
            }
            if (!read_time(kind, text, "", time)) {
                return false;
            }
            inventory.captured_at = *time;
            return true;
        }
        case f_source:
            if (kind != Kind::string) {
                return wrong_type("", "source", "a string");
            }
            inventory.source = std::move(*text);
            return true;
        case f_defaults:
            if (kind != Kind::object) {
                return wrong_type("", "defaults", "an object");
            }
            m_at = At::defaults;
            return true;
        case f_nodes:
            if (kind != Kind::array) {
                return wrong_type("", "nodes", "an array");
            }
            m_at = At::nodes;
            return true;
        default:
            return fail("unexpected field");
        }
    }

    // Optional strings: null and "" both mean "not set".
    bool optional_text(Kind kind, std::string* text, const std::string& where, std::string& out) {
        if (kind == Kind::null) {
            out.clear();
            return true;
        }
        if (kind != Kind::string) {
            return wrong_type(where, field_name(m_field), "a string or null");
        }
        out = std::move(*text);
        return true;
    }

    bool defaults_value(Kind kind, std::string* text, std::int64_t number) {
        Defaults& defaults = inventory.defaults;
        const std::string where = "defaults: ";
        switch (m_field) {
        case f_user:
            return optional_text(kind, text, where, defaults.user);
        case f_port:
            return read_port(kind, number, where, defaults.port);
        case f_identities:
            if (kind != Kind::array) {
                return wrong_type(where, "identities", "an array of paths");
            }
            m_at = At::identities;
            return true;
        case f_become:
            return optional_text(kind, text, where, defaults.become);
        case f_jump:
            return optional_text(kind, text, where, defaults.jump);
        default:
            return fail("unexpected field");
        }
    }

    bool node_value(Kind kind, std::string* text, std::int64_t number) {
        const std::string& where = node_label();
        switch (m_field) {
        case f_name:
            if (kind != Kind::string || text->empty()) {
                return wrong_type(where, "name", "a non-empty string");
            }
            if (auto problem = node_name_problem(*text)) {
                return fail(where + *problem);
            }
            m_node.name = std::move(*text);
            m_where = "node '" + m_node.name + "': ";
            return true;
        case f_address:
            if (kind != Kind::string || !is_ip_literal(*text)) {
                return fail(where + "address " +
                            (kind == Kind::string ? "'" + *text + "'" : std::string("value")) +
                            " is not an IP address (names are resolved at import, never during "
                            "a run)");
            }
            m_node.address = std::move(*text);
            return true;
        case f_port: {
            std::uint16_t port = 0;
            if (!read_port(kind, number, where, port)) {
                return false;
            }
            m_node.port = port;
            return true;
        }
        case f_user:
            return optional_text(kind, text, where, m_node.user);
        case f_labels:
            if (kind != Kind::object) {
                return wrong_type(where, "labels", "an object of strings");
            }
            m_at = At::labels;
            return true;
        case f_host_keys:
            if (kind != Kind::array) {
                return wrong_type(where, "host_keys", "an array of OpenSSH public keys");
            }
            m_at = At::host_keys;
            return true;
        case f_scanned_at:
            return read_time(kind, text, where, m_node.host_keys_scanned_at);
        case f_jump:
            return optional_text(kind, text, where, m_node.jump);
        default:
            return fail("unexpected field");
        }
    }

    bool label_value(Kind kind, const std::string* text) {
        if (kind != Kind::string) {
            return fail(node_label() + "label '" + m_label_key + "' must have a string value");
        }
        if (auto added = m_labels.add(m_label_key, *text); !added) {
            return fail(node_label() + added.error());
        }
        return true;
    }

    bool finish_labels() {
        if (auto finished = m_labels.finish(m_node.labels); !finished) {
            return fail(node_label() + finished.error());
        }
        m_at = At::node;
        return true;
    }

    bool finish_node() {
        if ((m_node_seen & f_name) == 0) {
            return fail(node_label() + "has no name");
        }
        if ((m_node_seen & f_address) == 0) {
            return fail(node_label() + "has no address");
        }
        inventory.nodes.push_back(std::move(m_node));
        m_at = At::nodes;
        return true;
    }

    bool finish_top() {
        for (const FieldName& field :
             {k_top_fields[0], k_top_fields[1], k_top_fields[2], k_top_fields[5]}) {
            if ((m_top_seen & field.bit) == 0) {
                return fail("missing field '" + std::string(field.name) + "'");
            }
        }
        m_at = At::done;
        return true;
    }

    At m_at = At::start;
    Field m_field = f_schema_version;
    unsigned m_top_seen = 0;
    unsigned m_defaults_seen = 0;
    unsigned m_node_seen = 0;
    Node m_node;
    std::string m_label_key;
    LabelInterner m_labels{inventory};
    std::string m_where;
};

} // namespace

tl::expected<Inventory, std::string> load_with_nlohmann_sax(const std::string& path,
                                                            std::size_t expected_nodes) {
    const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                                  &std::fclose);
    if (!file) {
        return tl::unexpected("cannot open " + path);
    }
    CacheHandler handler;
    handler.inventory.nodes.reserve(expected_nodes);
    const bool parsed = nlohmann::json::sax_parse(file.get(), &handler);
    if (!parsed || !handler.error.empty()) {
        return tl::unexpected(handler.error.empty() ? std::string("malformed JSON")
                                                    : handler.error);
    }
    return std::move(handler.inventory);
}

} // namespace breakglass::bench
