#include "playbooks/ssh_wire.hpp"

#include <limits>
#include <stdexcept>

namespace breakglass::playbooks {

std::optional<std::string_view> WireReader::read_bytes(std::size_t size) {
    if (size > m_data.size()) {
        return std::nullopt;
    }
    std::string_view bytes = m_data.substr(0, size);
    m_data.remove_prefix(size);
    return bytes;
}

std::optional<std::uint32_t> WireReader::read_u32() {
    auto bytes = read_bytes(4);
    if (!bytes) {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    for (char c : *bytes) {
        value = (value << 8U) | static_cast<unsigned char>(c);
    }
    return value;
}

std::optional<std::string_view> WireReader::read_string() {
    const std::string_view before = m_data;
    auto size = read_u32();
    if (!size) {
        return std::nullopt;
    }
    auto bytes = read_bytes(*size);
    if (!bytes) {
        m_data = before;
    }
    return bytes;
}

std::optional<std::string_view> WireReader::read_positive_mpint() {
    const std::string_view before = m_data;
    auto bytes = read_string();
    if (!bytes) {
        return std::nullopt;
    }
    if (bytes->empty()) {
        return bytes;
    }
    const auto first = static_cast<unsigned char>(bytes->front());
    if ((first & 0x80U) != 0) {
        m_data = before; // negative
        return std::nullopt;
    }
    if (first == 0) {
        // A zero byte is only allowed to keep the next byte's high bit from reading as a sign.
        if (bytes->size() == 1 || (static_cast<unsigned char>((*bytes)[1]) & 0x80U) == 0) {
            m_data = before;
            return std::nullopt;
        }
        bytes->remove_prefix(1);
    }
    return bytes;
}

WireWriter& WireWriter::u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        m_bytes += static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU);
    }
    return *this;
}

WireWriter& WireWriter::string(std::string_view bytes) {
    if (bytes.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("SSH string longer than 4 GiB");
    }
    u32(static_cast<std::uint32_t>(bytes.size()));
    m_bytes += bytes;
    return *this;
}

WireWriter& WireWriter::positive_mpint(std::string_view magnitude) {
    while (!magnitude.empty() && magnitude.front() == '\0') {
        magnitude.remove_prefix(1);
    }
    if (!magnitude.empty() && (static_cast<unsigned char>(magnitude.front()) & 0x80U) != 0) {
        return string(std::string(1, '\0') + std::string(magnitude));
    }
    return string(magnitude);
}

WireWriter& WireWriter::raw(std::string_view bytes) {
    m_bytes += bytes;
    return *this;
}

} // namespace breakglass::playbooks
