#include "base/json_duplicate_keys.hpp"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::base {

namespace {

using Json = nlohmann::json;

// A SAX walk that builds no document: it keeps, for each open object, the keys seen so far,
// and for each open array the index of the element in hand, to name the path of a repeat.
class DuplicateKeyFinder {
public:
    std::optional<std::string> duplicate;

    bool null() { return element(); }
    bool boolean(bool) { return element(); }
    bool number_integer(Json::number_integer_t) { return element(); }
    bool number_unsigned(Json::number_unsigned_t) { return element(); }
    bool number_float(Json::number_float_t, const Json::string_t&) { return element(); }
    bool string(Json::string_t&) { return element(); }
    bool binary(Json::binary_t&) { return element(); }

    bool start_object(std::size_t) {
        element();
        m_open.push_back(Open{false, 0, {}, {}});
        return true;
    }
    bool start_array(std::size_t) {
        element();
        m_open.push_back(Open{true, 0, {}, {}});
        return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(Json::string_t& name) {
        Open& object = m_open.back();
        if (!object.keys.insert(name).second) {
            duplicate = path_to(name);
            return false;
        }
        object.key = name;
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false; // not judged here
    }

private:
    struct Open {
        bool is_array;
        std::size_t next_index; // arrays: the index the next element gets
        std::string key;        // objects: the key in hand
        std::set<std::string> keys;
    };

    // A value starts: in an array it takes the next index.
    bool element() {
        if (!m_open.empty() && m_open.back().is_array) {
            ++m_open.back().next_index;
        }
        return true;
    }

    bool close() {
        m_open.pop_back();
        return true;
    }

    std::string path_to(const std::string& last_key) const {
        std::string path;
        for (std::size_t i = 0; i + 1 < m_open.size(); ++i) {
            const Open& open = m_open[i];
            if (open.is_array) {
                path += "[" + std::to_string(open.next_index - 1) + "]";
            } else {
                path += (path.empty() ? "" : ".") + open.key;
            }
        }
        return path + (path.empty() ? "" : ".") + last_key;
    }

    std::vector<Open> m_open;
};

} // namespace

std::optional<std::string> find_duplicate_json_key(std::string_view json_text) {
    DuplicateKeyFinder finder;
    Json::sax_parse(json_text.begin(), json_text.end(), &finder);
    return finder.duplicate;
}

} // namespace breakglass::base
