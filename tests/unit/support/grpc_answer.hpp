#pragma once
// Containerd's gRPC answers as the API reader's tests build them: the protobuf wire format, as
// much as they need (fields of a message, in any order, re-encoded), a recorded answer split
// into its response head, gRPC messages and trailers, and the request a fake curl recorded.
#include "tests/integration/support/files.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace breakglass::testing {

struct Field {
    std::uint64_t number = 0;
    int wire = 0;
    std::string value; // a varint's or fixed field's bytes as written; a LEN field's content
};

inline std::uint64_t read_varint(const std::string& bytes, std::size_t& at) {
    std::uint64_t value = 0;
    for (int shift = 0; at < bytes.size(); shift += 7) {
        const auto byte = static_cast<unsigned char>(bytes[at++]);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            return value;
        }
    }
    ADD_FAILURE() << "truncated varint";
    return value;
}

inline std::string varint(std::uint64_t value) {
    std::string out;
    do {
        out += static_cast<char>((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
        value >>= 7;
    } while (value != 0);
    return out;
}

inline std::vector<Field> fields_of(const std::string& message) {
    std::vector<Field> fields;
    for (std::size_t at = 0; at < message.size();) {
        const std::uint64_t key = read_varint(message, at);
        Field field{key >> 3, static_cast<int>(key & 7), ""};
        const std::size_t start = at;
        switch (field.wire) {
        case 0:
            read_varint(message, at);
            field.value = message.substr(start, at - start);
            break;
        case 1:
            field.value = message.substr(at, 8);
            at += 8;
            break;
        case 5:
            field.value = message.substr(at, 4);
            at += 4;
            break;
        case 2: {
            const std::uint64_t size = read_varint(message, at);
            field.value = message.substr(at, size);
            at += size;
            break;
        }
        default:
            ADD_FAILURE() << "wire type " << field.wire;
            return fields;
        }
        fields.push_back(field);
    }
    return fields;
}

inline std::string encode(const std::vector<Field>& fields) {
    std::string out;
    for (const Field& field : fields) {
        out += varint(field.number << 3 | static_cast<std::uint64_t>(field.wire));
        out += field.wire == 2 ? varint(field.value.size()) + field.value : field.value;
    }
    return out;
}

// A recorded answer: the response head, its gRPC messages (one for a unary call, one per
// container for Containers/ListStream), the trailers.
struct Answer {
    std::string head;
    std::vector<std::string> messages;
    std::string trailers;

    static Answer of(const std::string& bytes) {
        Answer answer;
        std::size_t at = bytes.find("\r\n\r\n") + 4;
        answer.head = bytes.substr(0, at);
        while (at + 5 <= bytes.size() && bytes[at] == 0) {
            std::uint32_t size = 0;
            for (std::size_t i = 1; i < 5; ++i) {
                size = size << 8 | static_cast<unsigned char>(bytes[at + i]);
            }
            answer.messages.push_back(bytes.substr(at + 5, size));
            at += 5 + size;
        }
        answer.trailers = bytes.substr(at);
        return answer;
    }

    std::string bytes(char flag = 0) const {
        std::string out = head;
        for (const std::string& message : messages) {
            out += flag;
            const auto size = static_cast<std::uint32_t>(message.size());
            for (int shift = 24; shift >= 0; shift -= 8) {
                out += static_cast<char>((size >> shift) & 0xff);
            }
            out += message;
        }
        return out + trailers;
    }
};

// Every field of MESSAGE in reverse order, down to the nested messages a reader looks into
// (PATHS: the field numbers of nested messages, per depth), with fields it does not read added.
inline std::string reversed(const std::string& message, const std::vector<std::uint64_t>& nested,
                            std::size_t depth = 0) {
    std::vector<Field> fields = fields_of(message);
    std::reverse(fields.begin(), fields.end());
    for (Field& field : fields) {
        if (depth < nested.size() && field.number == nested[depth] && field.wire == 2) {
            field.value = reversed(field.value, nested, depth + 1);
        }
    }
    // Unknown to this reader: a string (containerd 2.0's Container.sandbox is field 11), a
    // varint, a fixed64 and a fixed32.
    fields.insert(
        fields.begin() + static_cast<std::ptrdiff_t>(fields.size() / 2),
        {{11, 2, "sandbox-of-2.0"}, {120, 0, varint(300)}, {121, 1, "12345678"}, {122, 5, "1234"}});
    return encode(fields);
}

// The request curl was given, from its `od -An -tx1` record: the strings of field 1 of the one
// gRPC message.
inline std::vector<std::string> request_filters(const std::filesystem::path& hex) {
    std::istringstream words(read_text(hex));
    std::string bytes;
    for (std::string word; words >> word;) {
        bytes += static_cast<char>(std::stoi(word, nullptr, 16));
    }
    EXPECT_GE(bytes.size(), 5U);
    EXPECT_EQ(bytes[0], 0) << "an uncompressed gRPC frame";
    std::size_t size = 0;
    for (std::size_t i = 1; i < 5 && i < bytes.size(); ++i) {
        size = size << 8 | static_cast<unsigned char>(bytes[i]);
    }
    EXPECT_EQ(size + 5, bytes.size());
    std::vector<std::string> filters;
    for (const Field& field : fields_of(bytes.substr(5))) {
        EXPECT_EQ(field.number, 1U);
        filters.push_back(field.value);
    }
    return filters;
}

inline std::string label(const Field& entry, std::uint64_t part_number) {
    for (const Field& part : fields_of(entry.value)) {
        if (part.number == part_number) {
            return part.value;
        }
    }
    return "";
}

inline bool is_label(const Field& field, const std::string& key) {
    return field.number == 2 && field.wire == 2 && label(field, 1) == key;
}

// The labels of the recorded Containers/ListStream answer's first container of KIND (sandbox or
// container), edited by EDIT.
template <typename Edit> void edit_first(Answer& containers, const std::string& kind, Edit edit) {
    for (std::string& message : containers.messages) { // ListContainerMessage: container = 1
        std::vector<Field> listed = fields_of(message);
        std::vector<Field> container = fields_of(listed.at(0).value);
        if (std::any_of(container.begin(), container.end(), [&](const Field& field) {
                return is_label(field, "io.cri-containerd.kind") && label(field, 2) == kind;
            })) {
            edit(container);
            listed.at(0).value = encode(container);
            message = encode(listed);
            return;
        }
    }
    ADD_FAILURE() << "no " << kind << " in the recorded answer";
}

} // namespace breakglass::testing
