#include "inventory/string_pool.hpp"

namespace breakglass::inventory {

std::uint32_t StringPool::intern(std::string_view text) {
    if (auto found = m_ids.find(text); found != m_ids.end()) {
        return found->second;
    }
    const auto id = static_cast<std::uint32_t>(m_strings.size());
    const std::string& stored = m_strings.emplace_back(text);
    m_ids.emplace(std::string_view(stored), id);
    return id;
}

std::optional<std::uint32_t> StringPool::find(std::string_view text) const {
    if (auto found = m_ids.find(text); found != m_ids.end()) {
        return found->second;
    }
    return std::nullopt;
}

} // namespace breakglass::inventory
