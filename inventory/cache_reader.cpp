// read_cache(): the cache format read by recursive descent over the pull reader's events. Each
// level of the document (the top object, defaults, a node, its labels, its host keys) is one
// function that pulls its own events, so where a value sits is where the code is, not a state.
#include "inventory/cache_reader.hpp"

#include "base/huge_pages.hpp"
#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/label_interner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace breakglass::inventory {

namespace {

using Event = JsonPullReader::Event;

// The keys one kind of object may hold, spelled as the file spells them, in the order of the
// enum that names them in code.
template <typename Field, std::size_t N> struct FieldTable {
    std::array<std::string_view, N> names;

    constexpr std::optional<Field> find(std::string_view key) const {
        const auto found = std::find(names.begin(), names.end(), key);
        if (found == names.end()) {
            return std::nullopt;
        }
        return static_cast<Field>(found - names.begin());
    }
    constexpr std::string_view name(Field field) const {
        return names[static_cast<std::size_t>(field)];
    }
};

// The fields an object has shown so far, to refuse a repeat and find a missing one.
template <typename Field> class SeenFields {
public:
    /// False when `field` was already there.
    bool insert(Field field) {
        const unsigned bit = 1U << static_cast<unsigned>(field);
        const bool fresh = (m_bits & bit) == 0;
        m_bits |= bit;
        return fresh;
    }
    bool contains(Field field) const {
        return (m_bits & (1U << static_cast<unsigned>(field))) != 0;
    }

private:
    unsigned m_bits = 0;
};

enum class TopField { schema_version, cluster, captured_at, source, defaults, nodes };
constexpr FieldTable<TopField, 6> k_top_fields{
    {"schema_version", "cluster", "captured_at", "source", "defaults", "nodes"}};
// In the order a missing one is reported.
constexpr std::array k_required_top_fields{TopField::schema_version, TopField::cluster,
                                           TopField::captured_at, TopField::nodes};

enum class DefaultsField { user, port, identities, become, jump, runtime_socket, kubelet_unit };
constexpr FieldTable<DefaultsField, 7> k_defaults_fields{
    {"user", "port", "identities", "become", "jump", "runtime_socket", "kubelet_unit"}};

enum class NodeField {
    name,
    address,
    port,
    user,
    labels,
    host_keys,
    host_keys_scanned_at,
    jump,
    runtime_socket,
    kubelet_unit
};
constexpr FieldTable<NodeField, 10> k_node_fields{{"name", "address", "port", "user", "labels",
                                                   "host_keys", "host_keys_scanned_at", "jump",
                                                   "runtime_socket", "kubelet_unit"}};

// Each table lists its enum's fields in the enum's order; a field inserted into one but not the
// other shifts the last one and breaks these.
static_assert(k_top_fields.name(TopField::nodes) == "nodes");
static_assert(k_defaults_fields.name(DefaultsField::kubelet_unit) == "kubelet_unit");
static_assert(k_node_fields.name(NodeField::kubelet_unit) == "kubelet_unit");

const std::string k_top_where;
const std::string k_defaults_where = "defaults: ";

class CacheReader {
public:
    CacheReader(JsonPullReader& reader, std::size_t expected_nodes) : m_reader(reader) {
        m_inventory.nodes.reserve(expected_nodes);
        base::advise_huge_pages(m_inventory.nodes.data(),
                                m_inventory.nodes.capacity() * sizeof(Node));
    }

    tl::expected<Inventory, std::string> read() {
        if (!read_document()) {
            return tl::unexpected(std::move(m_error));
        }
        return std::move(m_inventory);
    }

private:
    // The first failure wins: a reader error, or the rule broken by the value in hand.
    bool fail(std::string message) {
        if (m_error.empty()) {
            m_error = std::move(message);
        }
        return false;
    }

    bool wrong_type(const std::string& where, std::string_view field, std::string_view wanted) {
        return fail(where + "field '" + std::string(field) + "' must be " + std::string(wanted));
    }

    // The next event; a reader error is recorded here, so callers only see Event::error.
    Event next() {
        const Event event = m_reader.next();
        if (event == Event::error) {
            fail(m_reader.error());
        }
        return event;
    }

    // Every numeric field is a whole number from 1 to 2^32-1; anything else (a fraction, a
    // negative, a larger number) is refused by the field with its own message.
    std::optional<std::uint32_t> small_positive(Event event) const {
        if (event != Event::integer || m_reader.integer() < 1 || m_reader.integer() > 0xFFFFFFFF) {
            return std::nullopt;
        }
        return static_cast<std::uint32_t>(m_reader.integer());
    }

    // The members of an object whose '{' was just read: unknown and repeated keys are refused
    // with `where` in front (a reference: a node's changes once its name is known), and each
    // field's value is left to `read_field`.
    template <typename Field, std::size_t N, typename ReadField>
    bool read_members(const FieldTable<Field, N>& table, const std::string& where,
                      SeenFields<Field>& seen, ReadField read_field) {
        while (true) {
            const Event event = next();
            if (event == Event::end_object) {
                return true;
            }
            if (event != Event::key) {
                return fail("malformed object"); // the reader reported why
            }
            const std::string_view key = m_reader.view();
            const std::optional<Field> field = table.find(key);
            if (!field) {
                return fail(std::string(where).append("unknown field '").append(key).append("'"));
            }
            if (!seen.insert(*field)) {
                return fail(
                    std::string(where).append("field '").append(key).append("' appears twice"));
            }
            if (!read_field(*field)) {
                return false;
            }
        }
    }

    bool read_document() {
        if (next() != Event::begin_object) {
            return fail("the inventory must be a JSON object");
        }
        SeenFields<TopField> seen;
        if (!read_members(k_top_fields, k_top_where, seen,
                          [this](TopField field) { return read_top_field(field); })) {
            return false;
        }
        for (const TopField field : k_required_top_fields) {
            if (!seen.contains(field)) {
                return fail("missing field '" + std::string(k_top_fields.name(field)) + "'");
            }
        }
        return next() == Event::end || fail("malformed document"); // the reader reported why
    }

    bool read_top_field(TopField field) {
        const Event event = next();
        const std::string_view name = k_top_fields.name(field);
        switch (field) {
        case TopField::schema_version: {
            const auto version = small_positive(event);
            if (!version) {
                return wrong_type(k_top_where, name, "a positive integer");
            }
            if (*version != k_schema_version) {
                return fail("schema_version " + std::to_string(*version) +
                            " was written by a newer breakglass; this one reads " +
                            std::to_string(k_schema_version));
            }
            return true;
        }
        case TopField::cluster: {
            std::string& cluster = m_reader.text();
            if (event != Event::string || cluster.empty()) {
                return wrong_type(k_top_where, name, "a non-empty string");
            }
            if (base::escape_terminal_line(cluster) != cluster) {
                return fail("cluster '" + base::escape_terminal_line(cluster) +
                            "' contains a control character");
            }
            m_inventory.cluster = std::move(cluster);
            return true;
        }
        case TopField::captured_at: {
            std::optional<TimePoint> time;
            if (event == Event::null) {
                return wrong_type(k_top_where, name, "an RFC 3339 time");
            }
            if (!read_time(event, k_top_where, name, time)) {
                return false;
            }
            m_inventory.captured_at = *time;
            return true;
        }
        case TopField::source:
            if (event != Event::string) {
                return wrong_type(k_top_where, name, "a string");
            }
            m_inventory.source = std::move(m_reader.text());
            return true;
        case TopField::defaults:
            if (event != Event::begin_object) {
                return wrong_type(k_top_where, name, "an object");
            }
            return read_defaults();
        case TopField::nodes:
            if (event != Event::begin_array) {
                return wrong_type(k_top_where, name, "an array");
            }
            return read_nodes();
        }
        return fail("unexpected field");
    }

    bool read_defaults() {
        SeenFields<DefaultsField> seen;
        return read_members(k_defaults_fields, k_defaults_where, seen,
                            [this](DefaultsField field) { return read_defaults_field(field); });
    }

    bool read_defaults_field(DefaultsField field) {
        Defaults& defaults = m_inventory.defaults;
        const Event event = next();
        const std::string_view name = k_defaults_fields.name(field);
        switch (field) {
        case DefaultsField::user:
            return read_optional_text(event, k_defaults_where, name, defaults.user);
        case DefaultsField::port:
            return read_port(event, k_defaults_where, defaults.port);
        case DefaultsField::identities:
            return read_strings(event, k_defaults_where, name, "an array of paths",
                                [&defaults](std::string_view path) {
                                    defaults.identities.emplace_back(path);
                                    return true;
                                });
        case DefaultsField::become:
            return read_optional_text(event, k_defaults_where, name, defaults.become);
        case DefaultsField::jump:
            return read_optional_text(event, k_defaults_where, name, defaults.jump);
        case DefaultsField::runtime_socket:
            return read_optional_text(event, k_defaults_where, name, defaults.runtime_socket);
        case DefaultsField::kubelet_unit:
            return read_optional_text(event, k_defaults_where, name, defaults.kubelet_unit);
        }
        return fail("unexpected field");
    }

    bool read_nodes() {
        while (true) {
            const Event event = next();
            if (event == Event::end_array) {
                return true;
            }
            if (event != Event::begin_object) {
                return fail("nodes[" + std::to_string(m_inventory.nodes.size()) +
                            "] must be an object");
            }
            if (!read_node()) {
                return false;
            }
        }
    }

    // One node, its '{' just read. Errors name it by position until its name is known.
    // Built in place: a failed node fails the whole load, so it is never left half-read in a
    // result. m_where is rewritten in its own buffer, not rebuilt: at 50,000 nodes the
    // allocations were a visible share of the load (bench/inventory_bench).
    bool read_node() {
        const std::size_t index = m_inventory.nodes.size();
        Node& node = m_inventory.nodes.emplace_back();
        m_where.assign("nodes[").append(std::to_string(index)).append("]: ");
        m_labels.start_node();
        SeenFields<NodeField> seen;
        if (!read_members(k_node_fields, m_where, seen, [this, &node](NodeField field) {
                return read_node_field(field, node);
            })) {
            return false;
        }
        if (!seen.contains(NodeField::name)) {
            return fail(m_where + "has no name");
        }
        if (!seen.contains(NodeField::address)) {
            return fail(m_where + "has no address");
        }
        return true;
    }

    bool read_node_field(NodeField field, Node& node) {
        const Event event = next();
        const std::string_view name = k_node_fields.name(field);
        const std::string_view text = m_reader.view();
        switch (field) {
        case NodeField::name:
            if (event != Event::string || text.empty()) {
                return wrong_type(m_where, name, "a non-empty string");
            }
            if (auto problem = node_name_problem(text)) {
                return fail(m_where + *problem);
            }
            // A short name fits the string's own storage, so most names cost no allocation.
            node.name = text;
            m_where.assign("node '").append(node.name).append("': ");
            return true;
        case NodeField::address:
            if (event != Event::string || !is_ip_literal(text)) {
                return fail(m_where + "address " +
                            (event == Event::string ? "'" + std::string(text) + "'"
                                                    : std::string("value")) +
                            " is not an IP address (names are resolved at import, never during "
                            "a run)");
            }
            node.address = text;
            return true;
        case NodeField::port: {
            std::uint16_t port = 0;
            if (!read_port(event, m_where, port)) {
                return false;
            }
            node.port = port;
            return true;
        }
        case NodeField::user:
            return read_optional_text(event, m_where, name, node.user);
        case NodeField::labels:
            if (event != Event::begin_object) {
                return wrong_type(m_where, name, "an object of strings");
            }
            return read_labels(node);
        case NodeField::host_keys:
            return read_strings(event, m_where, name, "an array of OpenSSH public keys",
                                [this, &node](std::string_view written) {
                                    auto key = check_host_key(written);
                                    if (!key) {
                                        return fail(m_where + key.error());
                                    }
                                    node.host_keys.push_back(std::move(*key));
                                    return true;
                                });
        case NodeField::host_keys_scanned_at:
            if (event == Event::null) {
                node.host_keys_scanned_at.reset();
                return true;
            }
            return read_time(event, m_where, name, node.host_keys_scanned_at);
        case NodeField::jump:
            return read_optional_text(event, m_where, name, node.jump);
        case NodeField::runtime_socket:
            return read_optional_text(event, m_where, name, node.runtime_socket);
        case NodeField::kubelet_unit:
            return read_optional_text(event, m_where, name, node.kubelet_unit);
        }
        return fail("unexpected field");
    }

    // A node's labels, their '{' just read; keys are free, values strings.
    bool read_labels(Node& node) {
        while (true) {
            const Event event = next();
            if (event == Event::end_object) {
                break;
            }
            if (event != Event::key) {
                return fail("malformed object"); // the reader reported why
            }
            // The key is looked up before the value's event, which may overwrite its text; a
            // valid key's text is then in the pool, a refused one is copied for the message.
            const auto key_id = m_labels.key_id(m_reader.view());
            if (!key_id) {
                m_label_key = m_reader.view();
            }
            const std::string_view key =
                key_id ? m_inventory.label_keys.view(*key_id) : std::string_view(m_label_key);
            if (next() != Event::string) {
                return fail(m_where + "label '" + std::string(key) + "' must have a string value");
            }
            if (!key_id) {
                return fail(m_where + key_id.error());
            }
            if (auto added = m_labels.add_value(*key_id, m_reader.view()); !added) {
                return fail(m_where + added.error());
            }
        }
        if (auto finished = m_labels.finish(node.labels); !finished) {
            return fail(m_where + finished.error());
        }
        return true;
    }

    // An array of strings, each handed to `take`; anything else is `wanted`'s type error.
    template <typename Take>
    bool read_strings(Event event, const std::string& where, std::string_view name,
                      std::string_view wanted, Take take) {
        if (event != Event::begin_array) {
            return wrong_type(where, name, wanted);
        }
        while (true) {
            const Event item = next();
            if (item == Event::end_array) {
                return true;
            }
            if (item != Event::string) {
                return wrong_type(where, name, wanted);
            }
            if (!take(m_reader.view())) {
                return false;
            }
        }
    }

    bool read_port(Event event, const std::string& where, std::uint16_t& port) {
        const auto number = small_positive(event);
        if (!number || *number > 65535) {
            return wrong_type(where, "port", "an integer from 1 to 65535");
        }
        port = static_cast<std::uint16_t>(*number);
        return true;
    }

    bool read_time(Event event, const std::string& where, std::string_view name,
                   std::optional<TimePoint>& time) {
        if (event != Event::string) {
            return wrong_type(where, name, "an RFC 3339 time");
        }
        // Every node of a scan carries the same time: parsed once, then compared.
        if (m_last_time && m_reader.view() == m_last_time_text) {
            time = m_last_time;
            return true;
        }
        auto parsed = base::parse_rfc3339(m_reader.view());
        if (!parsed) {
            return fail(where + std::string(name) + ": " + parsed.error());
        }
        time = *parsed;
        m_last_time = *parsed;
        m_last_time_text = m_reader.view();
        return true;
    }

    // Optional strings: null and "" both mean "not set".
    bool read_optional_text(Event event, const std::string& where, std::string_view name,
                            std::string& out) {
        if (event == Event::null) {
            out.clear();
            return true;
        }
        if (event != Event::string) {
            return wrong_type(where, name, "a string or null");
        }
        out = m_reader.view(); // a copy: see read_node_field
        return true;
    }

    JsonPullReader& m_reader;
    Inventory m_inventory;
    LabelInterner m_labels{m_inventory};
    std::string m_where;                  // how errors name the node in hand
    std::string m_label_key;              // a refused label key, kept for its message
    std::optional<TimePoint> m_last_time; // the last time read, and its text
    std::string m_last_time_text;
    std::string m_error;
};

} // namespace

tl::expected<Inventory, std::string> read_cache(JsonPullReader& reader,
                                                std::size_t expected_nodes) {
    return CacheReader(reader, expected_nodes).read();
}

} // namespace breakglass::inventory
