#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_loader.hpp"
#include "inventory/inventory_writer.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using breakglass::base::format_rfc3339;

namespace {

const char* const k_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0";

std::string cache(const std::string& nodes, const std::string& extra = "") {
    return R"({"schema_version": 1, "cluster": "prod", "captured_at": "2026-11-24T08:00:00Z",
               "source": "kubectl:nodes.json", )" +
           extra + R"("nodes": [)" + nodes + "]}";
}

std::string error_of(const std::string& text) {
    auto loaded = parse_inventory(text);
    EXPECT_FALSE(loaded.has_value()) << text;
    return loaded ? "" : loaded.error();
}

} // namespace

TEST(InventoryCacheFormat, LoadsEveryField) {
    auto loaded = parse_inventory(cache(
        R"({"name": "n1", "address": "10.0.0.1", "port": 2222, "user": "core",
            "labels": {"env": "prod", "node-role.kubernetes.io/worker": ""},
            "host_keys": [")" +
            std::string(k_key) + R"("],
            "host_keys_scanned_at": "2026-11-24T09:30:00+01:00", "jump": null},
           {"name": "n2", "address": "fd00::2", "labels": {}, "host_keys": []})",
        R"("defaults": {"user": "root", "port": 22, "identities": ["/k"], "become": "sudo -n",
                        "jump": null}, )"));
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    const Inventory& inventory = *loaded;
    EXPECT_EQ(inventory.cluster, "prod");
    EXPECT_EQ(format_rfc3339(inventory.captured_at), "2026-11-24T08:00:00Z");
    EXPECT_EQ(inventory.defaults.identities, std::vector<std::string>{"/k"});
    ASSERT_EQ(inventory.nodes.size(), 2U);
    const Node& n1 = inventory.nodes[0];
    EXPECT_EQ(inventory.port_of(n1), 2222);
    EXPECT_EQ(inventory.port_of(inventory.nodes[1]), 22);
    EXPECT_EQ(n1.user, "core");
    EXPECT_EQ(inventory.label(n1, "env"), "prod");
    EXPECT_EQ(inventory.label(n1, "node-role.kubernetes.io/worker"), "");
    EXPECT_FALSE(inventory.label(inventory.nodes[1], "env").has_value());
    EXPECT_EQ(n1.host_keys, std::vector<std::string>{k_key});
    EXPECT_EQ(format_rfc3339(*n1.host_keys_scanned_at), "2026-11-24T08:30:00Z");
}

TEST(InventoryCacheFormat, WriterOutputLoadsBackUnchanged) {
    auto loaded = parse_inventory(cache(
        R"({"name": "n1", "address": "10.0.0.1", "port": 2222, "labels": {"z": "1", "a": "2"},
            "host_keys": [")" +
        std::string(k_key) + R"("], "host_keys_scanned_at":
            "2026-11-24T09:30:00Z"}, {"name": "n2", "address": "::1", "labels": {}, "host_keys": []})"));
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    std::ostringstream first;
    write_inventory(*loaded, first);
    auto again = parse_inventory(first.str());
    ASSERT_TRUE(again.has_value()) << again.error() << "\n" << first.str();
    std::ostringstream second;
    write_inventory(*again, second);
    EXPECT_EQ(first.str(), second.str());
    // One node per line, labels sorted by key.
    EXPECT_NE(first.str().find(
                  R"({"name":"n1","address":"10.0.0.1","port":2222,"labels":{"a":"2","z":"1"})"),
              std::string::npos)
        << first.str();
}

TEST(InventoryCacheFormat, StrictErrorsNameTheNode) {
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "adress": "x"})")),
              "node 'n1': unknown field 'adress'");
    EXPECT_EQ(error_of(cache(R"({"name": "n1"})")), "node 'n1': has no address");
    EXPECT_EQ(error_of(cache(R"({"address": "10.0.0.1"})")), "nodes[0]: has no name");
    EXPECT_NE(error_of(cache(R"({"name": "web-1", "address": "web-1.example.com"})"))
                  .find("node 'web-1': address 'web-1.example.com' is not an IP address"),
              std::string::npos);
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.256"})")).find("not an IP"),
              std::string::npos);
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "[::1]"})")).find("not an IP"),
              std::string::npos);
    EXPECT_EQ(error_of(cache(R"({"name": "a", "address": "10.0.0.1"},
                                {"name": "b", "address": "10.0.0.2"},
                                {"name": "a", "address": "10.0.0.3"},
                                {"name": "b", "address": "10.0.0.4"},
                                {"name": "a", "address": "10.0.0.5"})")),
              "duplicate node names: a, b");
    // In name order (the common case, checked without sorting) a repeat is still found.
    EXPECT_EQ(error_of(cache(R"({"name": "a", "address": "10.0.0.1"},
                                {"name": "b", "address": "10.0.0.2"},
                                {"name": "b", "address": "10.0.0.3"})")),
              "duplicate node names: b");
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "port": 70000})")),
              "node 'n1': field 'port' must be an integer from 1 to 65535");
    EXPECT_EQ(
        error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"a": "1", "a": "2"}})")),
        "node 'n1': label 'a' appears twice");
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"a": "b c"}})"))
                  .find("node 'n1': label 'a': label value 'b c'"),
              std::string::npos);
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"-a": "b"}})"))
                  .find("node 'n1': label key '-a'"),
              std::string::npos);
    EXPECT_NE(
        error_of(
            cache(
                R"({"name": "n1", "address": "10.0.0.1", "host_keys": ["ssh-ed25519 AAAA comment"]})"))
            .find("node 'n1': host key of type ssh-ed25519"),
        std::string::npos);
    EXPECT_EQ(error_of(cache(R"({"name": "n[1]", "address": "10.0.0.1"})")),
              "nodes[0]: name 'n[1]' contains a character node sets reserve");
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "name": "n2"})")),
              "node 'n1': field 'name' appears twice");
}

TEST(InventoryCacheFormat, ControlCharactersInNamesAndLabelsAreRefused) {
    // Node names head every output line: a name carrying ESC or a newline could rewrite the
    // responder's screen. The refusal names the node escaped.
    EXPECT_EQ(error_of(cache(R"({"name": "n1\u001b[2K", "address": "10.0.0.1"})")),
              "nodes[0]: name 'n1\\x1b[2K' contains a control character or invalid UTF-8");
    EXPECT_EQ(error_of(cache(R"({"name": "n1\nn2", "address": "10.0.0.1"})")),
              "nodes[0]: name 'n1\\nn2' contains a control character or invalid UTF-8");
    EXPECT_EQ(error_of(cache(R"({"name": "n\u009b1", "address": "10.0.0.1"})")),
              "nodes[0]: name 'n\\u009b1' contains a control character or invalid UTF-8");
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1",
                                "labels": {"a\u001b": "b"}})"))
                  .find("node 'n1': label key 'a"),
              std::string::npos);
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1",
                                "labels": {"a": "b\r"}})"))
                  .find("node 'n1': label 'a': label value"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"schema_version": 1, "cluster": "prod\u0007", "nodes": []})"),
              "cluster 'prod\\x07' contains a control character");
    // A UTF-8 name is fine: only what a terminal would have to escape is refused.
    EXPECT_TRUE(parse_inventory(cache(R"({"name": "nœud-1", "address": "10.0.0.1"})")));
}

TEST(InventoryCacheFormat, RepeatedKeysAreRefusedWherever) {
    EXPECT_EQ(error_of(R"({"schema_version": 1, "cluster": "a", "cluster": "b"})"),
              "field 'cluster' appears twice");
    EXPECT_EQ(error_of(cache("", R"("defaults": {"user": "a", "user": "root"}, )")),
              "defaults: field 'user' appears twice");
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "address": "10.0.0.2"})")),
              "node 'n1': field 'address' appears twice");
}

TEST(InventoryCacheFormat, StrictErrorsInTheHeader) {
    EXPECT_EQ(error_of(R"({"schema_version": 2, "cluster": "c"})"),
              "schema_version 2 was written by a newer breakglass; this one reads 1");
    EXPECT_EQ(error_of(R"({"schema_version": 1, "cluster": "c", "nodes": []})"),
              "missing field 'captured_at'");
    EXPECT_EQ(error_of(cache("", R"("colour": "blue", )")), "unknown field 'colour'");
    EXPECT_EQ(error_of(cache("", R"("defaults": {"usr": "x"}, )")),
              "defaults: unknown field 'usr'");
    EXPECT_NE(error_of(R"({"schema_version": 1, "captured_at": "yesterday"})")
                  .find("expected an RFC 3339 time"),
              std::string::npos);
    EXPECT_EQ(error_of("[]"), "the inventory must be a JSON object");
    EXPECT_NE(error_of(cache("") + "x").find("line"), std::string::npos);
    EXPECT_NE(error_of(R"({"schema_version": 1,)").find("parse error"), std::string::npos);
}

TEST(InventoryCacheFormat, TimesWithASpaceSeparatorAreRefused) {
    // One RFC 3339 parser for the whole tool (base/rfc3339): the cache used to accept a space.
    EXPECT_EQ(error_of(R"({"schema_version": 1, "captured_at": "2026-11-24 08:00:00Z"})"),
              "captured_at: expected an RFC 3339 time such as 2026-11-24T08:00:00Z, got "
              "'2026-11-24 08:00:00Z'");
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {},
                                 "host_keys": [], "host_keys_scanned_at": "2026-11-24 08:30:00Z"})"))
                  .find("expected an RFC 3339 time"),
              std::string::npos);
}

TEST(InventoryCacheFormat, SavesAtomicallyAndLoadsFromDisk) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("bg-inv-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto path = dir / "sub" / "inventory.json";
    auto inventory = parse_inventory(cache(R"({"name": "n1", "address": "10.0.0.1"})"));
    ASSERT_TRUE(inventory.has_value());
    ASSERT_TRUE(save_inventory(*inventory, path).has_value());
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    ::chmod(path.c_str(), 0640);
    ASSERT_TRUE(save_inventory(*inventory, path).has_value());
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640U); // an existing file keeps its mode
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(path.parent_path()),
                            std::filesystem::directory_iterator()),
              1);
    auto loaded = load_inventory(path);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(loaded->nodes.at(0).name, "n1");
    auto missing = load_inventory(dir / "absent.json");
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find("absent.json: No such file"), std::string::npos);
    std::ofstream(dir / "bad.json") << cache(R"({"name": "n1", "address": "nope"})");
    auto bad = load_inventory(dir / "bad.json");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().find("bad.json: node 'n1': address 'nope'"), std::string::npos)
        << bad.error();
    std::filesystem::remove_all(dir);
}

// The name check's fast path (plain printable ASCII) must agree with the full rule for every
// byte: escaping changes nothing and no character node sets reserve.
TEST(InventoryCacheFormat, NameCheckFastPathAgreesWithTheFullRule) {
    for (int byte = 1; byte < 256; ++byte) {
        const std::string name = std::string("a") + static_cast<char>(byte) + "z";
        const bool clean = breakglass::base::escape_terminal_line(name) == name &&
                           name.find_first_of(",[]*?! \t") == std::string::npos;
        EXPECT_EQ(!node_name_problem(name).has_value(), clean) << "byte " << byte;
    }
    EXPECT_FALSE(node_name_problem("node-1.example_a").has_value());
    EXPECT_FALSE(node_name_problem("caf\xc3\xa9").has_value()); // valid UTF-8 passes
}

// The reader looks a label key up before it reads the value (whose event may overwrite the
// key's text) and reuses the last scan time it parsed: neither may change what is refused or
// how a refusal names the label.
TEST(InventoryCacheFormat, LabelAndTimeShortcutsKeepEveryRefusal) {
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"-a": 1}})")),
              "node 'n1': label '-a' must have a string value");
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"ok": 1}})")),
              "node 'n1': label 'ok' must have a string value");
    EXPECT_EQ(error_of(cache(R"({"name": "n1", "address": "10.0.0.1",
                                 "labels": {"a": "1", "b": "2"}},
                                {"name": "n2", "address": "10.0.0.2",
                                 "labels": {"a": "1", "b": {}}})")),
              "node 'n2': label 'b' must have a string value");
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"-a": "b"}})"))
                  .find("node 'n1': label key '-a'"),
              std::string::npos);
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", "labels": {"a": "b c"}})"))
                  .find("node 'n1': label 'a': label value 'b c'"),
              std::string::npos);

    const std::string first = R"("host_keys_scanned_at": "2026-11-24T08:00:00Z")";
    auto loaded = parse_inventory(cache(R"({"name": "n1", "address": "10.0.0.1", )" + first + R"(},
                 {"name": "n2", "address": "10.0.0.2", )" +
                                        first + R"(},
                 {"name": "n3", "address": "10.0.0.3", "host_keys_scanned_at": "2026-11-25T09:30:00+01:00"})"));
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(format_rfc3339(*loaded->nodes[1].host_keys_scanned_at), "2026-11-24T08:00:00Z");
    EXPECT_EQ(format_rfc3339(*loaded->nodes[2].host_keys_scanned_at), "2026-11-25T08:30:00Z");
    EXPECT_NE(error_of(cache(R"({"name": "n1", "address": "10.0.0.1", )" + first + R"(},
                               {"name": "n2", "address": "10.0.0.2", "host_keys_scanned_at": "2026-11-24 08:00:00Z"})"))
                  .find("node 'n2': host_keys_scanned_at"),
              std::string::npos);
}
