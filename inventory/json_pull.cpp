#include "inventory/json_pull.hpp"

#include "base/system_error.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace breakglass::inventory {

namespace {

constexpr std::size_t k_chunk = 1 << 16;
constexpr std::size_t k_max_depth = 256;

bool is_digit(int c) {
    return c >= '0' && c <= '9';
}

// Bytes a string copies without a second look: printable ASCII but the quote and backslash.
constexpr auto k_plain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) {
        plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    }
    return plain;
}();

// Where the plain run starting at `from` ends: the first quote, backslash, control character or
// non-ASCII byte, or `size`. Where SSE2 is missing (or for the tail), eight bytes at a time
// while no byte in the word stops the run (the classic "has a zero byte" bit trick, applied to the
// word xor'd with '"' and with '\\', plus "has a byte below 0x20" and "has a high bit"). The trick
// can flag bytes above a true stop but never below one, so the lowest flagged byte is the run's
// end. Most strings of a cache file are 10 to 80 plain bytes, and a byte loop was the largest
// single cost of loading 50,000 nodes.
std::size_t plain_run_end(const char* data, std::size_t from, std::size_t size) {
    std::size_t at = from;
#if defined(__SSE2__)
    // Sixteen bytes at a time where every x86-64 processor can: a signed compare below 0x20
    // catches the control characters and every byte from 0x80 (negative as signed) at once.
    const __m128i quotes = _mm_set1_epi8('"');
    const __m128i backslashes = _mm_set1_epi8('\\');
    const __m128i spaces = _mm_set1_epi8(0x20);
    while (size - at >= 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
        const __m128i stops = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quotes), _mm_cmpeq_epi8(bytes, backslashes)),
            _mm_cmplt_epi8(bytes, spaces));
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
        if (mask != 0) {
            return at + static_cast<std::size_t>(std::countr_zero(mask));
        }
        at += 16;
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    while (size - at >= 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, data + at, sizeof word);
        const std::uint64_t quote = word ^ (ones * '"');
        const std::uint64_t backslash = word ^ (ones * '\\');
        const std::uint64_t stops = (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                                     ((word - ones * 0x20) & ~word) | word) &
                                    highs;
        if (stops != 0) {
            if constexpr (std::endian::native == std::endian::little) {
                // The lowest flagged byte is a true stop: the first byte in memory order.
                return at + static_cast<std::size_t>(std::countr_zero(stops)) / 8;
            }
            break;
        }
        at += 8;
    }
    while (at < size && k_plain[static_cast<unsigned char>(data[at])]) {
        ++at;
    }
    return at;
}

int hex_value(int c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

} // namespace

JsonPullReader::JsonPullReader(std::string_view text) : m_data(text.data()), m_size(text.size()) {}

JsonPullReader::JsonPullReader(int fd) : m_fd(fd), m_buffer(k_chunk, '\0') {
    m_data = m_buffer.data();
}

bool JsonPullReader::refill() {
    if (m_fd < 0 || !m_error.empty()) {
        return false;
    }
    ssize_t got = 0;
    do {
        got = ::read(m_fd, m_buffer.data(), m_buffer.size());
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        m_error = "read error: " + base::errno_text(errno);
        return false;
    }
    m_consumed += m_size;
    m_pos = 0;
    m_size = static_cast<std::size_t>(got);
    return m_size > 0;
}

int JsonPullReader::peek() {
    if (m_pos == m_size && !refill()) {
        return -1;
    }
    return static_cast<unsigned char>(m_data[m_pos]);
}

int JsonPullReader::get() {
    const int c = peek();
    if (c >= 0) {
        ++m_pos;
    }
    return c;
}

void JsonPullReader::skip_space() {
    while (true) {
        const int c = peek();
        if (c == '\n') {
            ++m_pos;
            ++m_line;
            m_line_start = m_consumed + m_pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            ++m_pos;
        } else {
            return;
        }
    }
}

JsonPullReader::Event JsonPullReader::fail(const std::string& what) {
    if (m_error.empty()) {
        const std::uint64_t column = m_consumed + m_pos - m_line_start + 1;
        m_error = "parse error at line " + std::to_string(m_line) + ", column " +
                  std::to_string(column) + ": " + what;
    }
    m_expect = Expect::done;
    m_stack.clear();
    return Event::error;
}

JsonPullReader::Event JsonPullReader::next() {
    // A loop, not a recursion, over the separators (',' and ':') that produce no event.
    while (true) {
        if (!m_error.empty()) {
            return Event::error;
        }
        // Inside a node of a cache file nothing is spaced: one test, no call.
        if (m_pos == m_size || static_cast<unsigned char>(m_data[m_pos]) <= ' ') {
            skip_space();
        }
        const int c = get();
        if (c < 0 && !m_error.empty()) {
            return Event::error;
        }
        switch (m_expect) {
        case Expect::done:
            if (c >= 0) {
                --m_pos;
                return fail("unexpected content after the document");
            }
            return Event::end;
        case Expect::colon:
            if (c != ':') {
                return fail("expected ':'");
            }
            m_expect = Expect::value;
            continue;
        case Expect::comma_or_end: {
            const char open = m_stack.back();
            if (c == ',') {
                m_expect = open == '{' ? Expect::key : Expect::value;
                continue;
            }
            if (c == (open == '{' ? '}' : ']')) {
                m_stack.pop_back();
                return after_value(open == '{' ? Event::end_object : Event::end_array);
            }
            return fail(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        case Expect::key_or_end:
            if (c == '}') {
                m_stack.pop_back();
                return after_value(Event::end_object);
            }
            [[fallthrough]];
        case Expect::key:
            if (c != '"') {
                return fail("expected a string key");
            }
            m_expect = Expect::colon;
            return read_string(Event::key);
        case Expect::value_or_end:
            if (c == ']') {
                m_stack.pop_back();
                return after_value(Event::end_array);
            }
            [[fallthrough]];
        case Expect::value:
            return value(c);
        }
        return fail("internal state");
    }
}

JsonPullReader::Event JsonPullReader::after_value(Event kind) {
    m_expect = m_stack.empty() ? Expect::done : Expect::comma_or_end;
    return kind;
}

JsonPullReader::Event JsonPullReader::value(int c) {
    switch (c) {
    case '{':
    case '[':
        if (m_stack.size() >= k_max_depth) {
            return fail("nested too deeply");
        }
        m_stack.push_back(static_cast<char>(c));
        m_expect = c == '{' ? Expect::key_or_end : Expect::value_or_end;
        return c == '{' ? Event::begin_object : Event::begin_array;
    case '"':
        return after_value(read_string(Event::string));
    case 't':
        return read_literal("rue", Event::boolean);
    case 'f':
        return read_literal("alse", Event::boolean);
    case 'n':
        return read_literal("ull", Event::null);
    case -1:
        return fail("unexpected end of input");
    default:
        if (c == '-' || is_digit(c)) {
            return read_number(c);
        }
        --m_pos;
        return fail("unexpected character");
    }
}

JsonPullReader::Event JsonPullReader::read_literal(std::string_view word, Event kind) {
    for (char expected : word) {
        if (get() != expected) {
            return fail("invalid literal");
        }
    }
    m_boolean = word == "rue";
    return after_value(kind);
}

std::string& JsonPullReader::text() {
    if (m_view.data() != m_text.data()) {
        m_text.assign(m_view);
        m_view = m_text;
    }
    return m_text;
}

JsonPullReader::Event JsonPullReader::read_string(Event kind) {
    const std::size_t start = m_pos;
    const std::size_t end = plain_run_end(m_data, start, m_size);
    if (end < m_size && m_data[end] == '"') {
        m_view = std::string_view(m_data + start, end - start);
        m_pos = end + 1;
        return kind;
    }
    return read_string_slowly(kind);
}

// A string with an escape, a non-ASCII character or a chunk's end in it, assembled in m_text.
JsonPullReader::Event JsonPullReader::read_string_slowly(Event kind) {
    m_text.clear();
    m_view = m_text;
    while (true) {
        const std::size_t start = m_pos;
        m_pos = plain_run_end(m_data, start, m_size);
        m_text.append(m_data + start, m_pos - start);
        const int c = get();
        if (c == '"') {
            m_view = m_text;
            return kind;
        }
        if (c == '\\') {
            if (!read_escape()) {
                return Event::error;
            }
        } else if (c >= 0x80) {
            if (!read_utf8(c)) {
                return Event::error;
            }
        } else if (c >= 0x20) {
            m_text += static_cast<char>(c); // the run stopped at the end of a chunk
        } else if (c >= 0) {
            --m_pos;
            return fail("control character in a string");
        } else if (m_error.empty()) {
            return fail("unterminated string");
        } else {
            return Event::error;
        }
    }
}

bool JsonPullReader::read_escape() {
    const int c = get();
    switch (c) {
    case '"':
    case '\\':
    case '/':
        m_text += static_cast<char>(c);
        return true;
    case 'b':
        m_text += '\b';
        return true;
    case 'f':
        m_text += '\f';
        return true;
    case 'n':
        m_text += '\n';
        return true;
    case 'r':
        m_text += '\r';
        return true;
    case 't':
        m_text += '\t';
        return true;
    case 'u':
        break;
    default:
        fail("invalid escape");
        return false;
    }
    const auto hex4 = [this]() -> int {
        int code = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hex_value(get());
            if (digit < 0) {
                return -1;
            }
            code = code * 16 + digit;
        }
        return code;
    };
    int code = hex4();
    if (code < 0) {
        fail("\\u needs four hex digits");
        return false;
    }
    if (code >= 0xDC00 && code <= 0xDFFF) {
        fail("lone low surrogate");
        return false;
    }
    if (code >= 0xD800 && code <= 0xDBFF) {
        if (get() != '\\' || get() != 'u') {
            fail("high surrogate without its low half");
            return false;
        }
        const int low = hex4();
        if (low < 0xDC00 || low > 0xDFFF) {
            fail("high surrogate without its low half");
            return false;
        }
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(m_text, static_cast<std::uint32_t>(code));
    return true;
}

bool JsonPullReader::read_utf8(int lead) {
    int length = 0;
    int low = 0x80;
    int high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 2;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 3;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        fail("invalid UTF-8");
        return false;
    }
    m_text += static_cast<char>(lead);
    for (int i = 0; i < length; ++i) {
        const int c = get();
        if (c < low || c > high) {
            fail("invalid UTF-8");
            return false;
        }
        m_text += static_cast<char>(c);
        low = 0x80;
        high = 0xBF;
    }
    return true;
}

JsonPullReader::Event JsonPullReader::read_number(int first) {
    std::string digits(1, static_cast<char>(first));
    const auto take_digits = [&] {
        std::size_t count = 0;
        while (is_digit(peek())) {
            digits += static_cast<char>(get());
            ++count;
        }
        return count;
    };
    if (first == '-' && !is_digit(peek())) {
        return fail("expected a digit after '-'");
    }
    if (first == '-') {
        digits += static_cast<char>(get());
    }
    if (digits.back() == '0' && is_digit(peek())) {
        return fail("leading zeros are not allowed");
    }
    take_digits();
    bool integral = true;
    if (peek() == '.') {
        digits += static_cast<char>(get());
        integral = false;
        if (take_digits() == 0) {
            return fail("expected a digit after '.'");
        }
    }
    if (peek() == 'e' || peek() == 'E') {
        digits += static_cast<char>(get());
        integral = false;
        if (peek() == '+' || peek() == '-') {
            digits += static_cast<char>(get());
        }
        if (take_digits() == 0) {
            return fail("expected a digit in the exponent");
        }
    }
    if (integral) {
        auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), m_integer);
        if (error == std::errc{}) {
            return after_value(Event::integer);
        }
    }
    // Like nlohmann's parser: a number no double can hold is an error, not infinity.
    if (!std::isfinite(std::strtod(digits.c_str(), nullptr))) {
        return fail("number out of range");
    }
    return after_value(Event::floating);
}

} // namespace breakglass::inventory
