#include "playbooks/base64.hpp"

#include <array>
#include <cstdint>

namespace breakglass::playbooks {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int k_invalid = -1;

constexpr std::array<int, 256> make_decode_table() {
    std::array<int, 256> table{};
    for (int& entry : table) {
        entry = k_invalid;
    }
    for (std::size_t i = 0; i < k_alphabet.size(); ++i) {
        table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<int>(i);
    }
    return table;
}

constexpr std::array<int, 256> k_decode = make_decode_table();

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

} // namespace

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t buffer = 0;
    int sextets = 0; // in the current quantum
    int padding = 0;
    for (char c : text) {
        if (is_space(c)) {
            continue;
        }
        if (c == '=') {
            // Padding completes a quantum that holds 2 or 3 characters; nothing may follow it.
            if (sextets + padding < 2) {
                return std::nullopt;
            }
            ++padding;
            if (sextets + padding > 4) {
                return std::nullopt;
            }
            continue;
        }
        const int value = k_decode[static_cast<unsigned char>(c)];
        if (value == k_invalid || padding > 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6U) | static_cast<std::uint32_t>(value);
        if (++sextets == 4) {
            out += static_cast<char>((buffer >> 16U) & 0xFFU);
            out += static_cast<char>((buffer >> 8U) & 0xFFU);
            out += static_cast<char>(buffer & 0xFFU);
            buffer = 0;
            sextets = 0;
        }
    }
    // A partial quantum must be padded out to four characters, as b64_pton requires.
    if (sextets != 0 && sextets + padding != 4) {
        return std::nullopt;
    }
    switch (sextets) {
    case 0:
        return out;
    case 2:
        if ((buffer & 0xFU) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((buffer >> 4U) & 0xFFU);
        return out;
    case 3:
        if ((buffer & 0x3U) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((buffer >> 10U) & 0xFFU);
        out += static_cast<char>((buffer >> 2U) & 0xFFU);
        return out;
    default:
        return std::nullopt;
    }
}

std::string base64_encode(std::string_view bytes, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t chunk =
            (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U) |
            (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U) |
            std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
        out += k_alphabet[(chunk >> 18U) & 0x3FU];
        out += k_alphabet[(chunk >> 12U) & 0x3FU];
        out += k_alphabet[(chunk >> 6U) & 0x3FU];
        out += k_alphabet[chunk & 0x3FU];
    }
    const std::size_t left = bytes.size() - i;
    if (left == 0) {
        return out;
    }
    std::uint32_t chunk = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U;
    if (left == 2) {
        chunk |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U;
    }
    out += k_alphabet[(chunk >> 18U) & 0x3FU];
    out += k_alphabet[(chunk >> 12U) & 0x3FU];
    if (left == 2) {
        out += k_alphabet[(chunk >> 6U) & 0x3FU];
    }
    if (pad) {
        out += left == 2 ? "=" : "==";
    }
    return out;
}

} // namespace breakglass::playbooks
