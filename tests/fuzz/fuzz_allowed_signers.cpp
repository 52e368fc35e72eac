// libFuzzer target: the allowed_signers parser, its pattern-lists and times, and the trust
// decision over them. Each input is used as allowed_signers for a fixed, genuine ed25519
// signature (its key is in the seed corpus), so the fuzzer reaches the matching logic too.

#include "base/glob.hpp"
#include "playbooks/allowed_signers.hpp"
#include "playbooks/signature_trust.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string_view>

namespace {

// tests/unit/data/signatures/playbook.yaml and playbook.ed25519.sha512.sig.
constexpr std::string_view k_file =
    "name: restart-kubelet\nsteps:\n  - run: systemctl restart kubelet\n";
constexpr std::string_view k_signature =
    "-----BEGIN SSH SIGNATURE-----\n"
    "U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgnSDXuG96xM3q8VVdNXt6mCZFEf\n"
    "gfN+2bCYzD3yQwNpUAAAATYnJlYWtnbGFzcy1wbGF5Ym9vawAAAAAAAAAGc2hhNTEyAAAA\n"
    "UwAAAAtzc2gtZWQyNTUxOQAAAEBP4QBYNw3NiGFrf1JLfGRRWcWS2QZekQj0NWQmoYGFVC\n"
    "bOXd10uOSNJx/9XRdVsab+hE0tRSvvz5OyeqAJTYIP\n"
    "-----END SSH SIGNATURE-----\n";

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // A zone with daylight saving, so local valid-after/valid-before times take the mktime path.
    setenv("TZ", "America/New_York", 1);
    tzset();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace breakglass::playbooks;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    auto parsed = parse_allowed_signers(input);
    if (!parsed) {
        return 0;
    }
    for (const AllowedSigner& signer : parsed->signers) {
        if (signer.principals.empty() || signer.key_blob.empty() ||
            (signer.valid_after && signer.valid_before &&
             *signer.valid_before <= *signer.valid_after)) {
            std::abort(); // the parser promised otherwise
        }
        static_cast<void>(
            breakglass::base::glob_match_list(signer.principals, "alice@example.com"));
        if (signer.namespaces) {
            static_cast<void>(
                breakglass::base::glob_match_list(*signer.namespaces, k_playbook_namespace));
        }
    }
    TrustQuery query;
    query.now = std::chrono::system_clock::time_point(std::chrono::seconds(1780000000));
    auto verified = verify_signature(k_file, k_signature, *parsed, query);
    TrustQuery alice = query;
    alice.principal = "alice@example.com";
    static_cast<void>(verify_signature(k_file, k_signature, *parsed, alice));
    // A tampered file never verifies, whatever the allowed_signers say.
    if (verified && verify_signature("x", k_signature, *parsed, query)) {
        std::abort();
    }
    return 0;
}
