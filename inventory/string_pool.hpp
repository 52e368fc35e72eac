#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace breakglass::inventory {

/// Interns strings (label keys and values) so that 50,000 nodes sharing a few hundred distinct
/// labels store each text once and compare labels as integers.
class StringPool {
public:
    StringPool() = default;
    // The index holds views into m_strings: copying would leave them pointing at the source.
    StringPool(const StringPool&) = delete;
    StringPool& operator=(const StringPool&) = delete;
    StringPool(StringPool&&) = default;
    StringPool& operator=(StringPool&&) = default;

    /// The id of `text`, adding it on first sight. Ids are dense, starting at 0.
    std::uint32_t intern(std::string_view text);

    /// The id of `text` if it was ever interned; never adds.
    std::optional<std::uint32_t> find(std::string_view text) const;

    /// The text of an id returned by intern(); the view lives as long as the pool.
    std::string_view view(std::uint32_t id) const { return m_strings[id]; }

    std::size_t size() const { return m_strings.size(); }

private:
    std::deque<std::string> m_strings; // a deque never moves its elements, so views stay valid
    std::unordered_map<std::string_view, std::uint32_t> m_ids;
};

} // namespace breakglass::inventory
