#include "inventory/inventory_loader.hpp"
#include "inventory/inventory_writer.hpp"
#include "inventory/json_pull.hpp"

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using Event = JsonPullReader::Event;

namespace {

// The events of a document as text, e.g. "{ k:a s:b }" ; "!" and the error on failure.
std::string events(std::string_view text) {
    JsonPullReader reader(text);
    std::string out;
    while (true) {
        switch (reader.next()) {
        case Event::begin_object:
            out += "{ ";
            break;
        case Event::end_object:
            out += "} ";
            break;
        case Event::begin_array:
            out += "[ ";
            break;
        case Event::end_array:
            out += "] ";
            break;
        case Event::key:
            out += "k:" + reader.text() + " ";
            break;
        case Event::string:
            out += "s:" + reader.text() + " ";
            break;
        case Event::integer:
            out += "i:" + std::to_string(reader.integer()) + " ";
            break;
        case Event::floating:
            out += "f ";
            break;
        case Event::boolean:
            out += reader.boolean() ? "true " : "false ";
            break;
        case Event::null:
            out += "null ";
            break;
        case Event::end:
            return out;
        case Event::error:
            return out + "! " + reader.error();
        }
    }
}

} // namespace

TEST(InventoryJsonPull, ReadsEveryKindOfValue) {
    EXPECT_EQ(events(R"( {"a": [1, -2, 3.5, 1e3, true, false, null, "x"], "b": {}} )"),
              "{ k:a [ i:1 i:-2 f f true false null s:x ] k:b { } } ");
    EXPECT_EQ(events(R"(["\"\\\/\b\f\n\r\t", "\u00e9\u20ac\ud83d\ude00", "é€"])"),
              "[ s:\"\\/\b\f\n\r\t s:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 s:é€ ] ");
    EXPECT_EQ(events("[]"), "[ ] ");
    EXPECT_EQ(events("99999999999999999999"), "f "); // too large for int64
}

TEST(InventoryJsonPull, RejectsWhatRfc8259Rejects) {
    for (const char* bad : {"{",
                            "[1,]",
                            "{\"a\":1,}",
                            "{\"a\" 1}",
                            "{a:1}",
                            "[01]",
                            "[1.]",
                            "[-]",
                            "[1e]",
                            "[tru]",
                            "[\"\\x\"]",
                            "[\"\\ud800\"]",
                            "[\"\\udc00\"]",
                            "[\"a\nb\"]",
                            "[1] [2]",
                            "'a'",
                            "",
                            "[\"\xff\"]",
                            "[\"\xc0\xaf\"]",
                            "[\"\xed\xa0\x80\"]",
                            "[1 2]",
                            "{\"a\":1 \"b\":2}"}) {
        EXPECT_NE(events(bad).find("! parse error"), std::string::npos) << bad;
    }
}

TEST(InventoryJsonPull, ErrorsGiveLineAndColumn) {
    EXPECT_EQ(events("{\n  \"a\": 1,\n  \"b\" 2\n}"),
              "{ k:a i:1 k:b ! parse error at line 3, column 8: expected ':'");
    EXPECT_EQ(events("[1, @]"), "[ i:1 ! parse error at line 1, column 5: unexpected character");
}

TEST(InventoryJsonPull, LargeFilesCrossChunkBoundariesIntact) {
    // 3,000 nodes make a file of several 64 KiB chunks, so strings, numbers and escapes land
    // on chunk boundaries somewhere.
    Inventory inventory;
    inventory.cluster = "c";
    for (int i = 0; i < 3000; ++i) {
        Node node;
        node.name = "node-with-a-longish-name-" + std::to_string(i);
        node.address = "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256);
        node.port = static_cast<std::uint16_t>(1000 + i);
        inventory.set_label(node, "example.com/index", std::to_string(i));
        inventory.set_label(node, "example.com/parity", i % 2 == 0 ? "even" : "odd");
        node.host_keys.push_back(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0");
        inventory.nodes.push_back(std::move(node));
    }
    const auto path = std::filesystem::temp_directory_path() /
                      ("bg-pull-" + std::to_string(::getpid()) + ".json");
    ASSERT_TRUE(save_inventory(inventory, path).has_value());
    ASSERT_GT(std::filesystem::file_size(path), 4U * 65536U);
    auto loaded = load_inventory(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    std::ostringstream written;
    std::ostringstream reread;
    write_inventory(inventory, written);
    write_inventory(*loaded, reread);
    EXPECT_EQ(written.str(), reread.str());
}

// Strings are scanned eight bytes at a time; a byte that ends the plain run (a quote, a
// backslash, a control character, a non-ASCII byte) must be found at every position of a word
// and of a string of any length, with the bytes either side intact.
TEST(InventoryJsonPull, FindsEveryStopByteAtEveryPosition) {
    for (std::size_t length = 0; length < 40; ++length) {
        for (std::size_t at = 0; at <= length; ++at) {
            const std::string before(at, 'a');
            const std::string after(length - at, 'b');
            const std::string where =
                "length " + std::to_string(length) + ", at " + std::to_string(at);
            EXPECT_EQ(events("[\"" + before + after + "\"]"), "[ s:" + before + after + " ] ")
                << where;
            EXPECT_EQ(events("[\"" + before + "\\n" + after + "\"]"),
                      "[ s:" + before + "\n" + after + " ] ")
                << where;
            EXPECT_EQ(events("[\"" + before + "\xc3\xa9" + after + "\"]"),
                      "[ s:" + before + "\xc3\xa9" + after + " ] ")
                << where;
            // DEL and the printable bytes next to the stops are plain.
            EXPECT_EQ(events("[\"" + before + "\x7f !#[]~" + after + "\"]"),
                      "[ s:" + before + "\x7f !#[]~" + after + " ] ")
                << where;
            for (const char control : {'\x01', '\x1f', '\t'}) {
                EXPECT_EQ(events("[\"" + before + control + after + "\"]"),
                          "[ ! parse error at line 1, column " + std::to_string(at + 3) +
                              ": control character in a string")
                    << where << ", byte " << int(control);
            }
        }
    }
}

TEST(InventoryJsonPull, ViewAndTextAgreeWhetherOrNotTheStringWasCopied) {
    JsonPullReader reader(R"(["plain", "esc\"aped", "\u00e9t\u00e9"])");
    ASSERT_EQ(reader.next(), Event::begin_array);
    for (const char* expected : {"plain", "esc\"aped", "\xc3\xa9t\xc3\xa9"}) {
        ASSERT_EQ(reader.next(), Event::string);
        EXPECT_EQ(reader.view(), expected);
        EXPECT_EQ(reader.text(), expected);
        EXPECT_EQ(reader.view(), expected); // text() leaves the view on its own copy
    }
    EXPECT_EQ(reader.next(), Event::end_array);
}
