#include "playbooks/allowed_signers.hpp"

#include "playbooks/base64.hpp"
#include "playbooks/public_key.hpp"
#include "playbooks/signer_time.hpp"

namespace breakglass::playbooks {

namespace {

constexpr std::string_view k_blanks = " \t";

tl::unexpected<std::string> error(std::string message) {
    return tl::unexpected(std::move(message));
}

void skip_blanks(std::string_view& text) {
    const std::size_t first = text.find_first_not_of(k_blanks);
    text.remove_prefix(first == std::string_view::npos ? text.size() : first);
}

/// The next blank-delimited word, removed from `text` with the blanks after it.
std::string_view take_word(std::string_view& text) {
    const std::size_t end = std::min(text.find_first_of(k_blanks), text.size());
    std::string_view word = text.substr(0, end);
    text.remove_prefix(end);
    skip_blanks(text);
    return word;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

/// `keytype base64 [comment]` whose blob names the same key type; nullopt if `text` is not one.
std::optional<std::pair<std::string, std::string>> read_key(std::string_view text) {
    const std::string_view type = take_word(text);
    const std::string_view encoded = take_word(text);
    if (type.empty() || encoded.empty()) {
        return std::nullopt;
    }
    auto blob = base64_decode(encoded);
    if (!blob || key_blob_type(*blob) != type) {
        return std::nullopt;
    }
    return std::pair{std::string(type), std::move(*blob)};
}

/// A quoted option value (`"..."`, `\"` escapes a quote), removed from `options`.
tl::expected<std::string, std::string> take_quoted(std::string_view& options) {
    if (!options.starts_with('"')) {
        return error("option value must be quoted");
    }
    std::string value;
    for (std::size_t i = 1; i < options.size(); ++i) {
        if (options[i] == '\\' && i + 1 < options.size() && options[i + 1] == '"') {
            value += '"';
            ++i;
        } else if (options[i] == '"') {
            options.remove_prefix(i + 1);
            return value;
        } else {
            value += options[i];
        }
    }
    return error("option value has no closing quote");
}

/// Applies a comma-separated option list to `signer`, as OpenSSH's sshsigopt_parse reads it.
tl::expected<void, std::string> apply_options(std::string_view options, AllowedSigner& signer) {
    while (!options.empty()) {
        if (starts_with_ignoring_case(options, "cert-authority")) {
            return error("cert-authority is not supported: breakglass verifies plain "
                         "keys, not certificates");
        }
        std::optional<std::int64_t>* time = nullptr;
        const char* name = nullptr;
        if (starts_with_ignoring_case(options, "namespaces=")) {
            options.remove_prefix(std::string_view("namespaces=").size());
            if (signer.namespaces) {
                return error("namespaces given twice");
            }
            auto value = take_quoted(options);
            if (!value) {
                return error("namespaces: " + value.error());
            }
            signer.namespaces = std::move(*value);
        } else if (starts_with_ignoring_case(options, "valid-after=")) {
            options.remove_prefix(std::string_view("valid-after=").size());
            time = &signer.valid_after;
            name = "valid-after";
        } else if (starts_with_ignoring_case(options, "valid-before=")) {
            options.remove_prefix(std::string_view("valid-before=").size());
            time = &signer.valid_before;
            name = "valid-before";
        } else {
            return error("unsupported option \"" +
                         std::string(options.substr(0, options.find(','))) + "\"");
        }
        if (time != nullptr) {
            if (time->has_value()) {
                return error(std::string(name) + " given twice");
            }
            auto value = take_quoted(options);
            if (!value) {
                return error(std::string(name) + ": " + value.error());
            }
            *time = parse_signer_time(*value);
            if (!*time) {
                return error(std::string(name) + " time \"" + *value +
                             "\" is not YYYYMMDD[HHMM[SS]][Z]");
            }
        }
        if (options.empty()) {
            break;
        }
        if (!options.starts_with(',') || options.size() == 1) {
            return error("options must be separated by single commas");
        }
        options.remove_prefix(1);
    }
    if (signer.valid_after && signer.valid_before && *signer.valid_before <= *signer.valid_after) {
        return error("valid-before is not after valid-after");
    }
    return {};
}

/// The options word: up to the first blank outside quotes.
tl::expected<std::string_view, std::string> take_options(std::string_view& text) {
    bool quoted = false;
    std::size_t end = 0;
    for (; end < text.size() && (quoted || (text[end] != ' ' && text[end] != '\t')); ++end) {
        if (text[end] == '\\' && end + 1 < text.size() && text[end + 1] == '"') {
            ++end;
        } else if (text[end] == '"') {
            quoted = !quoted;
        }
    }
    if (quoted) {
        return error("unterminated quote in options");
    }
    std::string_view options = text.substr(0, end);
    text.remove_prefix(end);
    skip_blanks(text);
    return options;
}

tl::expected<std::optional<AllowedSigner>, std::string> parse_line(std::string_view text) {
    skip_blanks(text);
    if (text.empty() || text.starts_with('#')) {
        return std::nullopt;
    }
    AllowedSigner signer;
    if (text.starts_with('"')) {
        const std::size_t close = text.find('"', 1);
        if (close == std::string_view::npos) {
            return error("principals have no closing quote");
        }
        signer.principals = std::string(text.substr(1, close - 1));
        text.remove_prefix(close + 1);
        if (!text.empty() && k_blanks.find(text.front()) == std::string_view::npos) {
            return error("principals must be followed by a blank");
        }
        skip_blanks(text);
    } else {
        signer.principals = std::string(take_word(text));
        if (signer.principals.find('"') != std::string::npos) {
            return error("stray quote in principals");
        }
    }
    if (signer.principals.empty()) {
        return error("empty principals");
    }
    if (text.empty()) {
        return error("no key after the principals");
    }
    auto key = read_key(text);
    if (!key) {
        auto options = take_options(text);
        if (!options) {
            return error(options.error());
        }
        if (auto applied = apply_options(*options, signer); !applied) {
            return error(applied.error());
        }
        if (text.empty()) {
            return error("no key after the options");
        }
        key = read_key(text);
        if (!key) {
            return error("invalid key (want: keytype base64 [comment])");
        }
    }
    signer.key_type = std::move(key->first);
    signer.key_blob = std::move(key->second);
    return signer;
}

} // namespace

tl::expected<AllowedSigners, SignatureRefusal> parse_allowed_signers(std::string_view text) {
    AllowedSigners parsed;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++number;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        auto signer = parse_line(line);
        if (!signer) {
            return refuse(RefusalKind::malformed,
                          "allowed_signers line " + std::to_string(number) + ": " + signer.error());
        }
        if (*signer) {
            (*signer)->line = number;
            parsed.signers.push_back(std::move(**signer));
        }
    }
    return parsed;
}

} // namespace breakglass::playbooks
