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
    if (key_id >= m_key_values.size()) {
        m_key_values.resize(key_id + 1);
    }
    StringPool& pool = m_inventory.label_values;
    KeyValues& known = m_key_values[key_id];
    std::uint32_t value_id = known.last;
    if (value_id == k_none || pool.view(value_id) != value) {
        const std::uint32_t hash = StringPool::hash(value);
        KeyValues::Entry& entry = known.by_hash[hash % known.by_hash.size()];
        if (entry.id != k_none && entry.hash == hash && pool.view(entry.id) == value) {
            value_id = entry.id;
        } else {
            if (auto problem = label_value_problem(value)) {
                return tl::unexpected("label '" + std::string(m_inventory.label_keys.view(key_id)) +
                                      "': " + *problem);
            }
            value_id = pool.intern(value, hash);
            entry = {hash, value_id};
        }
        known.last = value_id;
    }
    m_labels.push_back(Label{key_id, value_id});
    return {};
}

tl::expected<void, std::string> LabelInterner::finish(LabelList& labels) {
    // Nodes list their keys in the same order, so after the first node this is usually sorted.
    const auto by_key = [](const Label& a, const Label& b) { return a.key < b.key; };
    if (!std::is_sorted(m_labels.begin(), m_labels.end(), by_key)) {
        std::vector<Label> sorted = m_labels;
        std::sort(sorted.begin(), sorted.end(), by_key);
        labels.assign(sorted.begin(), sorted.end());
    } else {
        labels.assign(m_labels.begin(), m_labels.end());
    }
    auto twice = std::adjacent_find(labels.begin(), labels.end(),
                                    [](const Label& a, const Label& b) { return a.key == b.key; });
    if (twice != labels.end()) {
        return tl::unexpected("label '" + std::string(m_inventory.label_keys.view(twice->key)) +
                              "' appears twice");
    }
    return {};
}

} // namespace breakglass::inventory
