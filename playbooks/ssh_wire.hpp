#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace breakglass::playbooks {

// SSH wire encoding (RFC 4251 section 5). Bytes travel as std::string / std::string_view: they
// may hold any value, including NUL.

/// Reads uint32, string and mpint fields from untrusted bytes. Every read is bounds-checked: a
/// field that runs past the end yields nullopt and leaves the reader where it was.
class WireReader {
public:
    explicit WireReader(std::string_view data) : m_data(data) {}

    std::optional<std::uint32_t> read_u32();
    /// A uint32 length followed by that many bytes.
    std::optional<std::string_view> read_string();
    /// A non-negative mpint in minimal form, returned without its sign-padding zero byte (so an
    /// empty view is zero). Negative or non-minimal encodings yield nullopt.
    std::optional<std::string_view> read_positive_mpint();
    /// `size` raw bytes.
    std::optional<std::string_view> read_bytes(std::size_t size);

    bool at_end() const { return m_data.empty(); }
    std::size_t remaining() const { return m_data.size(); }

private:
    std::string_view m_data;
};

/// Builds wire-encoded bytes (the data SSHSIG signs, test inputs).
class WireWriter {
public:
    WireWriter& u32(std::uint32_t value);
    WireWriter& string(std::string_view bytes);
    /// A non-negative integer given as big-endian magnitude bytes; adds the sign byte if needed.
    WireWriter& positive_mpint(std::string_view magnitude);
    WireWriter& raw(std::string_view bytes);

    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

} // namespace breakglass::playbooks
