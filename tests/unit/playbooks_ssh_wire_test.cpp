#include "playbooks/base64.hpp"
#include "playbooks/ssh_wire.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::playbooks;
using namespace std::string_literals;

TEST(PlaybooksSshWire, ReadsIntegersAndStrings) {
    const std::string reader_bytes = "\x00\x00\x01\x02"
                                     "\x00\x00\x00\x03"
                                     "abc"
                                     "\x00\x00\x00\x00"s;
    WireReader reader(reader_bytes);
    EXPECT_EQ(reader.read_u32(), 258U);
    EXPECT_EQ(reader.read_string(), "abc");
    EXPECT_EQ(reader.read_string(), "");
    EXPECT_TRUE(reader.at_end());
    EXPECT_FALSE(reader.read_u32());
}

TEST(PlaybooksSshWire, RefusesTruncatedFieldsWithoutConsuming) {
    const std::string short_u32_bytes = "\x00\x00\x01"s;
    WireReader short_u32(short_u32_bytes);
    EXPECT_FALSE(short_u32.read_u32());
    EXPECT_EQ(short_u32.remaining(), 3U);

    const std::string short_string_bytes = "\x00\x00\x00\x05"
                                           "abcd"s;
    WireReader short_string(short_string_bytes);
    EXPECT_FALSE(short_string.read_string());
    EXPECT_EQ(short_string.remaining(), 8U);

    const std::string huge_length_bytes = "\xff\xff\xff\xff"
                                          "abcd"s;
    WireReader huge_length(huge_length_bytes);
    EXPECT_FALSE(huge_length.read_string());
}

TEST(PlaybooksSshWire, ReadsOnlyMinimalNonNegativeMpints) {
    const std::string padded_bytes = "\x00\x00\x00\x02\x00\x80"s;
    WireReader padded(padded_bytes);
    EXPECT_EQ(padded.read_positive_mpint(), "\x80"s);
    const std::string zero_bytes = "\x00\x00\x00\x00"s;
    WireReader zero(zero_bytes);
    EXPECT_EQ(zero.read_positive_mpint(), ""s);
    const std::string negative_bytes = "\x00\x00\x00\x01\x80"s;
    WireReader negative(negative_bytes);
    EXPECT_FALSE(negative.read_positive_mpint());
    EXPECT_EQ(negative.remaining(), 5U);
    const std::string needless_zero_bytes = "\x00\x00\x00\x02\x00\x7f"s;
    WireReader needless_zero(needless_zero_bytes);
    EXPECT_FALSE(needless_zero.read_positive_mpint());
    const std::string lone_zero_bytes = "\x00\x00\x00\x01\x00"s;
    WireReader lone_zero(lone_zero_bytes);
    EXPECT_FALSE(lone_zero.read_positive_mpint());
}

TEST(PlaybooksSshWire, WriterRoundTripsThroughReader) {
    WireWriter writer;
    writer.u32(7).string("namespace").positive_mpint("\x00\x00\xff\x01"s).raw("xy");
    WireReader reader(writer.bytes());
    EXPECT_EQ(reader.read_u32(), 7U);
    EXPECT_EQ(reader.read_string(), "namespace");
    EXPECT_EQ(reader.read_positive_mpint(), "\xff\x01"s);
    EXPECT_EQ(reader.read_bytes(2), "xy");
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(WireWriter().positive_mpint("\x80"s).bytes(), "\x00\x00\x00\x02\x00\x80"s);
}

TEST(PlaybooksBase64, DecodesPaddedTextSkippingWhitespace) {
    EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
    EXPECT_EQ(base64_decode("aGVs\r\nbG8h"), "hello!");
    EXPECT_EQ(base64_decode(" aG Vs bA== \n"), "hell");
    EXPECT_EQ(base64_decode(""), "");
}

TEST(PlaybooksBase64, RefusesWhatB64PtonRefuses) {
    for (const char* bad : {"aGVsbG8", "aGVsbA=", "aGVsbA===", "a===", "====", "aGVs!G8=",
                            "aGVsbA==aGVs", "aGVsbG9=", "aGVsbB==", "aGVsbG8=\x01", "Zm9v-A=="}) {
        EXPECT_FALSE(base64_decode(bad)) << bad;
    }
}

TEST(PlaybooksBase64, EncodesWithAndWithoutPadding) {
    EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
    EXPECT_EQ(base64_encode("hell"), "aGVsbA==");
    EXPECT_EQ(base64_encode("hell", false), "aGVsbA");
    EXPECT_EQ(base64_encode("hel"), "aGVs");
    EXPECT_EQ(base64_encode(""), "");
    const std::string all = [] {
        std::string bytes;
        for (int i = 0; i < 256; ++i) {
            bytes += static_cast<char>(i);
        }
        return bytes;
    }();
    EXPECT_EQ(base64_decode(base64_encode(all)), all);
}
