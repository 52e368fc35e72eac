#include "base/terminal_escape.hpp"

#include <cstdint>

namespace breakglass::base {

namespace {

enum class Newlines { keep, escape };

unsigned char byte_at(std::string_view text, std::size_t at) {
    return static_cast<unsigned char>(text[at]);
}

// Length of the valid shortest-form UTF-8 sequence starting at `at` (Unicode 15, table 3-7),
// 0 when there is none: overlong forms, surrogates, values past U+10FFFF, cut sequences.
std::size_t sequence_length(std::string_view text, std::size_t at) {
    const unsigned char lead = byte_at(text, at);
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    std::size_t length = 0;
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : low;
        high = lead == 0xED ? 0x9F : high;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : low;
        high = lead == 0xF4 ? 0x8F : high;
    } else {
        return 0;
    }
    if (text.size() - at < length) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char next = byte_at(text, at + k);
        if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) {
            return 0;
        }
    }
    return length;
}

std::uint32_t code_point(std::string_view sequence) {
    const unsigned char lead = byte_at(sequence, 0);
    std::uint32_t value = sequence.size() == 2   ? lead & 0x1FU
                          : sequence.size() == 3 ? lead & 0x0FU
                                                 : lead & 0x07U;
    for (std::size_t k = 1; k < sequence.size(); ++k) {
        value = (value << 6U) | (byte_at(sequence, k) & 0x3FU);
    }
    return value;
}

bool is_escaped_code_point(std::uint32_t value) {
    return (value >= 0x80 && value <= 0x9F) || (value >= 0x202A && value <= 0x202E) ||
           (value >= 0x2066 && value <= 0x2069);
}

void append_hex(std::string& out, std::uint32_t value, int digits) {
    constexpr std::string_view k_hex = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out += k_hex[(value >> static_cast<unsigned>(shift)) & 0xFU];
    }
}

void append_byte_escape(std::string& out, unsigned char byte) {
    if (byte == '\r') {
        out += "\\r";
    } else if (byte == '\n') {
        out += "\\n";
    } else {
        out += "\\x";
        append_hex(out, byte, 2);
    }
}

std::string escape(std::string_view text, Newlines newlines) {
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    while (at < text.size()) {
        const unsigned char byte = byte_at(text, at);
        if (byte == '\r' && newlines == Newlines::keep && at + 1 < text.size() &&
            text[at + 1] == '\n') {
            ++at; // CRLF: the newline alone is shown
            continue;
        }
        const bool keep = byte == '\t' || (byte == '\n' && newlines == Newlines::keep);
        if (byte < 0x20 || byte == 0x7F) {
            if (keep) {
                out += static_cast<char>(byte);
            } else {
                append_byte_escape(out, byte);
            }
            ++at;
            continue;
        }
        const std::size_t length = sequence_length(text, at);
        if (length == 0) {
            append_byte_escape(out, byte);
            ++at;
            continue;
        }
        const std::string_view sequence = text.substr(at, length);
        if (length > 1 && is_escaped_code_point(code_point(sequence))) {
            out += "\\u";
            append_hex(out, code_point(sequence), 4);
        } else {
            out += sequence;
        }
        at += length;
    }
    return out;
}

} // namespace

std::string escape_terminal_text(std::string_view text) {
    return escape(text, Newlines::keep);
}

std::string escape_terminal_line(std::string_view text) {
    return escape(text, Newlines::escape);
}

std::size_t incomplete_utf8_suffix(std::string_view text) {
    for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
        const unsigned char byte = byte_at(text, text.size() - back);
        if (byte >= 0x80 && byte <= 0xBF) {
            continue; // a continuation byte: its lead is further back
        }
        const std::size_t needed = byte >= 0xF0 && byte <= 0xF4   ? 4
                                   : byte >= 0xE0 && byte <= 0xEF ? 3
                                   : byte >= 0xC2 && byte <= 0xDF ? 2
                                                                  : 1;
        return needed > back ? back : 0;
    }
    return 0;
}

} // namespace breakglass::base
