#include "inventory/label_interner.hpp"

#include "inventory/label_syntax.hpp"

#include <algorithm>

namespace breakglass::inventory {

void LabelInterner::start_node() {
    m_previous_keys.resize(m_labels.size());
    for (std::size_t i = 0; i < m_labels.size(); ++i) {
        m_previous_keys[i] = m_labels[i].key;
    }
    m_labels.clear();
}

tl::expected<void, std::string> LabelInterner::add(std::string_view key, std::string_view value) {
    auto id = key_id(key);
    if (!id) {
        return tl::unexpected(std::move(id.error()));
    }
    return add_value(*id, value);
}

tl::expected<std::uint32_t, std::string> LabelInterner::key_id(std::string_view key) {
    const std::size_t position = m_labels.size();
    if (position < m_previous_keys.size() &&
        m_inventory.label_keys.view(m_previous_keys[position]) == key) {
        return m_previous_keys[position];
    }
    if (auto known = m_inventory.label_keys.find(key)) {
        return *known;
    }
    if (auto problem = label_key_problem(key)) {
        return tl::unexpected(std::move(*problem));
    }
    return m_inventory.label_keys.intern(key);
}

tl::expected<void, std::string> LabelInterner::add_value(std::uint32_t key_id,
                                                         std::string_view value) {
    if (key_id >= m_last_value.size()) {
        m_last_value.resize(key_id + 1, k_none);
    }
    StringPool& pool = m_inventory.label_values;
    std::uint32_t value_id = m_last_value[key_id];
    if (value_id == k_none || pool.view(value_id) != value) {
        const std::uint32_t hash = StringPool::hash(value);
        RecentValue& recent = m_recent[hash % k_recent_values];
        if (recent.id != k_none && recent.hash == hash && pool.view(recent.id) == value) {
            value_id = recent.id;
        } else {
            if (auto problem = label_value_problem(value)) {
                return tl::unexpected("label '" + std::string(m_inventory.label_keys.view(key_id)) +
                                      "': " + *problem);
            }
            value_id = pool.intern(value, hash);
            recent = {hash, value_id};
        }
        m_last_value[key_id] = value_id;
    }
    m_labels.push_back(Label{key_id, value_id});
    return {};
}

tl::expected<void, std::string> LabelInterner::finish(std::vector<Label>& labels) {
    labels.assign(m_labels.begin(), m_labels.end());
    std::sort(labels.begin(), labels.end(),
              [](const Label& a, const Label& b) { return a.key < b.key; });
    auto twice = std::adjacent_find(labels.begin(), labels.end(),
                                    [](const Label& a, const Label& b) { return a.key == b.key; });
    if (twice != labels.end()) {
        return tl::unexpected("label '" + std::string(m_inventory.label_keys.view(twice->key)) +
                              "' appears twice");
    }
    return {};
}

} // namespace breakglass::inventory
