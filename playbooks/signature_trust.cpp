#include "playbooks/signature_trust.hpp"

#include "base/glob.hpp"
#include "playbooks/digest.hpp"
#include "playbooks/public_key.hpp"
#include "playbooks/signature_verify.hpp"
#include "playbooks/sshsig.hpp"

#include <spdlog/spdlog.h>

namespace breakglass::playbooks {

namespace {

/// Why `signer`'s options do not allow this signature now, if they do not.
std::optional<SignatureRefusal> options_refusal(const AllowedSigner& signer,
                                                std::string_view name_space, std::int64_t now) {
    const std::string where = "allowed_signers line " + std::to_string(signer.line);
    if (signer.namespaces &&
        base::glob_match_list(*signer.namespaces, name_space) != base::ListMatch::positive) {
        return SignatureRefusal{RefusalKind::namespace_,
                                where + " does not allow namespace \"" + std::string(name_space) +
                                    "\" (namespaces=\"" + *signer.namespaces + "\")"};
    }
    if (signer.valid_after && now < *signer.valid_after) {
        return SignatureRefusal{RefusalKind::not_yet_valid,
                                where + ": key is not valid before its valid-after time"};
    }
    if (signer.valid_before && now > *signer.valid_before) {
        return SignatureRefusal{RefusalKind::expired_key,
                                where + ": key expired at its valid-before time"};
    }
    return std::nullopt;
}

} // namespace

tl::expected<VerifiedSignature, SignatureRefusal>
verify_signature(std::string_view file, std::string_view signature_text,
                 const AllowedSigners& allowed_signers, const TrustQuery& query) {
    auto signature = parse_sshsig(signature_text);
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    if (signature->name_space != query.name_space) {
        return refuse(RefusalKind::namespace_, "signature namespace is \"" + signature->name_space +
                                                   "\", not \"" + std::string(query.name_space) +
                                                   "\"");
    }
    auto key = parse_public_key(signature->public_key);
    if (!key) {
        return tl::unexpected(key.error());
    }
    const std::string fingerprint = fingerprint_sha256(key->blob);

    // Untrusted keys never reach OpenSSL: find the lines holding this key first.
    std::vector<const AllowedSigner*> candidates;
    for (const AllowedSigner& signer : allowed_signers.signers) {
        if (signer.key_blob != key->blob) {
            continue;
        }
        if (query.principal && base::glob_match_list(signer.principals, *query.principal) !=
                                   base::ListMatch::positive) {
            continue;
        }
        candidates.push_back(&signer);
    }
    if (candidates.empty()) {
        return refuse(RefusalKind::unknown_signer,
                      std::string(key_type_label(key->type)) + " key " + fingerprint +
                          " is not in allowed_signers" +
                          (query.principal ? " for principal \"" + *query.principal + "\"" : ""));
    }

    auto file_hash = digest(signature->hash_algorithm, file);
    if (!file_hash) {
        return refuse(RefusalKind::unsupported, "cannot hash with " + signature->hash_algorithm);
    }
    auto algorithm = verify_ssh_signature(*key, signature->signature,
                                          sshsig_signed_data(*signature, *file_hash));
    if (!algorithm) {
        return tl::unexpected(algorithm.error());
    }

    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(query.now.time_since_epoch()).count();
    std::optional<SignatureRefusal> first_refusal;
    for (const AllowedSigner* signer : candidates) {
        if (auto refusal = options_refusal(*signer, signature->name_space, now)) {
            spdlog::debug("signature by {}: {}", fingerprint, refusal->message);
            if (!first_refusal) {
                first_refusal = std::move(refusal);
            }
            continue;
        }
        return VerifiedSignature{query.principal.value_or(signer->principals),
                                 fingerprint,
                                 std::string(key_type_name(key->type)),
                                 std::move(*algorithm),
                                 signature->name_space,
                                 signature->hash_algorithm,
                                 signer->line};
    }
    return tl::unexpected(std::move(*first_refusal));
}

tl::expected<VerifiedSignature, SignatureRefusal>
verify_signature(std::string_view file, std::string_view signature_text,
                 std::string_view allowed_signers_text, const TrustQuery& query) {
    auto allowed_signers = parse_allowed_signers(allowed_signers_text);
    if (!allowed_signers) {
        return tl::unexpected(allowed_signers.error());
    }
    return verify_signature(file, signature_text, *allowed_signers, query);
}

} // namespace breakglass::playbooks
