// The cache reader's refusals at every level of the document: wrong types, repeated and missing
// fields, nesting far past the format's depth, and a file cut short. The messages are the ones
// users read after "inventory PATH: ", so they are compared whole.
#include "inventory/inventory_loader.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

const std::string k_header =
    R"({"schema_version": 1, "cluster": "prod", "captured_at": "2026-11-24T08:00:00Z", )";

// A document whose top level has `fields` after the header and a single node `node`.
std::string with_node(const std::string& node, const std::string& fields = "") {
    return k_header + fields + R"("nodes": [)" + node + "]}";
}

std::string refusal(const std::string& text) {
    auto loaded = parse_inventory(text);
    return loaded ? "(loaded)" : loaded.error();
}

struct Case {
    std::string text;
    std::string error;
};

void expect_refusals(const std::vector<Case>& cases) {
    for (const Case& each : cases) {
        EXPECT_EQ(refusal(each.text), each.error) << each.text;
    }
}

} // namespace

TEST(InventoryCacheReader, WrongTypesAtTheTop) {
    const std::string tail = R"(, "cluster": "c", "captured_at": "2026-11-24T08:00:00Z"})";
    expect_refusals({
        {R"({"schema_version": "1")" + tail, "field 'schema_version' must be a positive integer"},
        {R"({"schema_version": 0)" + tail, "field 'schema_version' must be a positive integer"},
        {R"({"schema_version": -1)" + tail, "field 'schema_version' must be a positive integer"},
        {R"({"schema_version": 1.0)" + tail, "field 'schema_version' must be a positive integer"},
        {R"({"schema_version": null)" + tail, "field 'schema_version' must be a positive integer"},
        {R"({"schema_version": 3)" + tail,
         "schema_version 3 was written by a newer breakglass; this one reads 1"},
        {R"({"cluster": ""})", "field 'cluster' must be a non-empty string"},
        {R"({"cluster": ["prod"]})", "field 'cluster' must be a non-empty string"},
        {R"({"captured_at": null})", "field 'captured_at' must be an RFC 3339 time"},
        {R"({"captured_at": 1764000000})", "field 'captured_at' must be an RFC 3339 time"},
        {R"({"source": 7})", "field 'source' must be a string"},
        {R"({"source": null})", "field 'source' must be a string"},
        {R"({"defaults": []})", "field 'defaults' must be an object"},
        {R"({"defaults": null})", "field 'defaults' must be an object"},
        {R"({"nodes": {}})", "field 'nodes' must be an array"},
        {R"({"nodes": "n1"})", "field 'nodes' must be an array"},
        {"\"nodes\"", "the inventory must be a JSON object"},
        {"null", "the inventory must be a JSON object"},
    });
}

TEST(InventoryCacheReader, WrongTypesInDefaults) {
    const auto defaults = [](const std::string& members) {
        return with_node("", R"("defaults": {)" + members + "}, ");
    };
    expect_refusals({
        {defaults(R"("user": 0)"), "defaults: field 'user' must be a string or null"},
        {defaults(R"("become": true)"), "defaults: field 'become' must be a string or null"},
        {defaults(R"("jump": {})"), "defaults: field 'jump' must be a string or null"},
        {defaults(R"("port": 0)"), "defaults: field 'port' must be an integer from 1 to 65535"},
        {defaults(R"("port": "22")"), "defaults: field 'port' must be an integer from 1 to 65535"},
        {defaults(R"("port": 22.5)"), "defaults: field 'port' must be an integer from 1 to 65535"},
        {defaults(R"("identities": "/k")"),
         "defaults: field 'identities' must be an array of paths"},
        {defaults(R"("identities": ["/k", 1])"),
         "defaults: field 'identities' must be an array of paths"},
        {defaults(R"("identities": [["/k"]])"),
         "defaults: field 'identities' must be an array of paths"},
    });
}

TEST(InventoryCacheReader, WrongTypesInANode) {
    const auto node = [](const std::string& members) {
        return with_node(R"({"name": "n1", "address": "10.0.0.1", )" + members + "}");
    };
    expect_refusals({
        {with_node("1"), "nodes[0] must be an object"},
        {with_node(R"({"name": "a", "address": "10.0.0.1"}, [])"), "nodes[1] must be an object"},
        {with_node(R"({"name": 1, "address": "10.0.0.1"})"),
         "nodes[0]: field 'name' must be a non-empty string"},
        {with_node(R"({"name": "", "address": "10.0.0.1"})"),
         "nodes[0]: field 'name' must be a non-empty string"},
        {with_node(R"({"name": "n1", "address": ["10.0.0.1"]})"),
         "node 'n1': address value is not an IP address (names are resolved at import, never "
         "during a run)"},
        {node(R"("port": -22)"), "node 'n1': field 'port' must be an integer from 1 to 65535"},
        {node(R"("port": 65536)"), "node 'n1': field 'port' must be an integer from 1 to 65535"},
        {node(R"("port": 1e3)"), "node 'n1': field 'port' must be an integer from 1 to 65535"},
        {node(R"("user": [])"), "node 'n1': field 'user' must be a string or null"},
        {node(R"("jump": 2)"), "node 'n1': field 'jump' must be a string or null"},
        {node(R"("labels": [])"), "node 'n1': field 'labels' must be an object of strings"},
        {node(R"("labels": {"a": 1})"), "node 'n1': label 'a' must have a string value"},
        {node(R"("labels": {"a": null})"), "node 'n1': label 'a' must have a string value"},
        {node(R"("labels": {"a": {"b": "c"}})"), "node 'n1': label 'a' must have a string value"},
        {node(R"("host_keys": "ssh-ed25519 AAAA")"),
         "node 'n1': field 'host_keys' must be an array of OpenSSH public keys"},
        {node(R"("host_keys": [null])"),
         "node 'n1': field 'host_keys' must be an array of OpenSSH public keys"},
        {node(R"("host_keys_scanned_at": 0)"),
         "node 'n1': field 'host_keys_scanned_at' must be an RFC 3339 time"},
        {node(R"("host_keys_scanned_at": "now")"),
         "node 'n1': host_keys_scanned_at: expected an RFC 3339 time such as "
         "2026-11-24T08:00:00Z, got 'now'"},
        // Before its name, a node is named by position.
        {with_node(R"({"port": 0, "name": "n1"})"),
         "nodes[0]: field 'port' must be an integer from 1 to 65535"},
    });
}

TEST(InventoryCacheReader, RepeatedAndMissingFields) {
    expect_refusals({
        {R"({"schema_version": 1, "schema_version": 1})", "field 'schema_version' appears twice"},
        {with_node("", R"("defaults": {}, "defaults": {}, )"), "field 'defaults' appears twice"},
        {k_header + R"("nodes": [], "nodes": []})", "field 'nodes' appears twice"},
        {with_node("", R"("defaults": {"identities": [], "identities": []}, )"),
         "defaults: field 'identities' appears twice"},
        {with_node(R"({"name": "n1", "address": "10.0.0.1", "labels": {}, "labels": {}})"),
         "node 'n1': field 'labels' appears twice"},
        {with_node(R"({"address": "10.0.0.1", "host_keys": [], "host_keys": []})"),
         "nodes[0]: field 'host_keys' appears twice"},
        // Missing top-level fields are reported in the order the format lists them.
        {"{}", "missing field 'schema_version'"},
        {R"({"schema_version": 1, "nodes": []})", "missing field 'cluster'"},
        {k_header + "\"source\": \"\"}", "missing field 'nodes'"},
        {with_node(R"({"name": "a", "address": "10.0.0.1"}, {})"), "nodes[1]: has no name"},
    });
}

TEST(InventoryCacheReader, NestingFarPastTheFormatIsATypeErrorNotADeepWalk) {
    // The format is four levels deep; the reader refuses the first value of the wrong kind, so
    // a document nested far deeper fails there, long before the pull reader's depth limit.
    const std::string deep(100'000, '[');
    expect_refusals({
        {deep, "the inventory must be a JSON object"},
        {k_header + R"("nodes": )" + deep, "nodes[0] must be an object"},
        {with_node(R"({"name": "n1", "address": "10.0.0.1", "labels": {"a": )" + deep),
         "node 'n1': label 'a' must have a string value"},
        {k_header + R"("colour": )" + deep, "unknown field 'colour'"},
    });
}

TEST(InventoryCacheReader, EveryTruncationIsAParseError) {
    const std::string whole =
        k_header + R"("source": "s", "defaults": {"user": "root", "port": 22, "identities": ["/k"]},
        "nodes": [{"name": "n1", "address": "10.0.0.1", "port": 2222, "labels": {"env": "prod"},
                   "host_keys": [], "host_keys_scanned_at": null, "jump": null}]})";
    ASSERT_TRUE(parse_inventory(whole)) << whole;
    for (std::size_t size = 0; size < whole.size(); ++size) {
        const std::string error = refusal(whole.substr(0, size));
        EXPECT_EQ(error.rfind("parse error at line ", 0), 0U) << size << ": " << error;
    }
}

TEST(InventoryCacheReader, TrailingContentIsRefusedAfterAValidDocument) {
    EXPECT_EQ(refusal(with_node("") + " {}"),
              "parse error at line 1, column 94: unexpected content after the document");
    // A missing field is found when the top object closes, before what follows it.
    EXPECT_EQ(refusal(R"({"schema_version": 1} x)"), "missing field 'cluster'");
}
