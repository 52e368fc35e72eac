// libFuzzer target: the armor and blob parsers, and the key and signature decoding behind them.
// Input is tried both as armored text and as a raw blob. Aborts if a blob that parses does not
// survive armoring and parsing again unchanged.

#include "playbooks/public_key.hpp"
#include "playbooks/signature_verify.hpp"
#include "playbooks/sshsig.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace breakglass::playbooks;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    static_cast<void>(parse_sshsig(input));
    auto blob = parse_sshsig_blob(input);
    if (!blob) {
        return 0;
    }
    auto again = parse_sshsig(armor_sshsig(*blob));
    if (!again || again->public_key != blob->public_key || again->name_space != blob->name_space ||
        again->reserved != blob->reserved || again->hash_algorithm != blob->hash_algorithm ||
        again->signature != blob->signature) {
        std::abort();
    }
    auto key = parse_public_key(blob->public_key);
    if (!key) {
        return 0;
    }
    static_cast<void>(fingerprint_sha256(key->blob));
    // Reaches the OpenSSL key and signature conversions; a fuzzed signature must never verify.
    if (verify_ssh_signature(*key, blob->signature, "fuzzed data")) {
        std::abort();
    }
    return 0;
}
