#include "playbooks/sshsig.hpp"

#include "playbooks/base64.hpp"
#include "playbooks/ssh_wire.hpp"

namespace breakglass::playbooks {

namespace {

constexpr std::string_view k_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view k_end = "-----END SSH SIGNATURE-----";
constexpr std::string_view k_magic = "SSHSIG";
constexpr std::uint32_t k_version = 1;
constexpr std::size_t k_wrap_column = 70;

bool only_whitespace(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

} // namespace

tl::expected<std::string, SignatureRefusal> dearmor_sshsig(std::string_view text) {
    if (!text.starts_with(k_begin)) {
        return refuse(RefusalKind::malformed,
                      "signature does not start with " + std::string(k_begin));
    }
    text.remove_prefix(k_begin.size());
    if (text.starts_with("\r\n")) {
        text.remove_prefix(2);
    } else if (text.starts_with("\n")) {
        text.remove_prefix(1);
    } else {
        return refuse(RefusalKind::malformed, "signature header is not followed by a line break");
    }
    const std::size_t end = text.find(k_end);
    if (end == std::string_view::npos) {
        return refuse(RefusalKind::malformed, "signature has no " + std::string(k_end) + " line");
    }
    if (end == 0 || text[end - 1] != '\n') {
        return refuse(RefusalKind::malformed, "signature footer does not start a line");
    }
    if (!only_whitespace(text.substr(end + k_end.size()))) {
        return refuse(RefusalKind::malformed, "text after the signature footer");
    }
    auto blob = base64_decode(text.substr(0, end));
    if (!blob) {
        return refuse(RefusalKind::malformed, "signature is not valid base64");
    }
    if (blob->empty()) {
        return refuse(RefusalKind::malformed, "signature is empty");
    }
    return std::move(*blob);
}

tl::expected<SshSignature, SignatureRefusal> parse_sshsig_blob(std::string_view blob) {
    WireReader reader(blob);
    auto magic = reader.read_bytes(k_magic.size());
    if (!magic || *magic != k_magic) {
        return refuse(RefusalKind::malformed, "signature blob does not start with SSHSIG");
    }
    auto version = reader.read_u32();
    if (!version) {
        return refuse(RefusalKind::malformed, "signature blob is truncated in its version");
    }
    if (*version != k_version) {
        return refuse(RefusalKind::unsupported, "SSHSIG version " + std::to_string(*version) +
                                                    " is not supported (only version 1)");
    }
    SshSignature parsed;
    const std::pair<std::string*, const char*> fields[] = {
        {&parsed.public_key, "public key"},   {&parsed.name_space, "namespace"},
        {&parsed.reserved, "reserved field"}, {&parsed.hash_algorithm, "hash algorithm"},
        {&parsed.signature, "signature"},
    };
    for (const auto& [field, name] : fields) {
        auto value = reader.read_string();
        if (!value) {
            return refuse(RefusalKind::malformed,
                          std::string("signature blob is truncated in its ") + name);
        }
        *field = std::string(*value);
    }
    if (!reader.at_end()) {
        return refuse(RefusalKind::malformed, "signature blob has " +
                                                  std::to_string(reader.remaining()) +
                                                  " bytes of trailing data");
    }
    if (parsed.name_space.empty()) {
        return refuse(RefusalKind::malformed, "signature has an empty namespace");
    }
    if (parsed.hash_algorithm != "sha256" && parsed.hash_algorithm != "sha512") {
        return refuse(RefusalKind::unsupported, "signature hash algorithm \"" +
                                                    parsed.hash_algorithm +
                                                    "\" is not supported (sha256, sha512)");
    }
    return parsed;
}

tl::expected<SshSignature, SignatureRefusal> parse_sshsig(std::string_view text) {
    return dearmor_sshsig(text).and_then(
        [](const std::string& blob) { return parse_sshsig_blob(blob); });
}

std::string sshsig_signed_data(const SshSignature& signature, std::string_view message_hash) {
    WireWriter writer;
    writer.raw(k_magic)
        .string(signature.name_space)
        .string(signature.reserved)
        .string(signature.hash_algorithm)
        .string(message_hash);
    return writer.bytes();
}

std::string armor_sshsig(const SshSignature& signature) {
    WireWriter writer;
    writer.raw(k_magic)
        .u32(k_version)
        .string(signature.public_key)
        .string(signature.name_space)
        .string(signature.reserved)
        .string(signature.hash_algorithm)
        .string(signature.signature);
    const std::string encoded = base64_encode(writer.bytes());
    std::string text = std::string(k_begin) + "\n";
    for (std::size_t at = 0; at < encoded.size(); at += k_wrap_column) {
        text += encoded.substr(at, k_wrap_column);
        text += '\n';
    }
    text += k_end;
    text += '\n';
    return text;
}

} // namespace breakglass::playbooks
