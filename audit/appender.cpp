#include "audit/appender.hpp"

#include "audit/record.hpp"
#include "base/private_dir.hpp"
#include "base/system_error.hpp"
#include "base/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace breakglass::audit {

using base::UniqueFd;

namespace {

// A record is one line; a line this long is not one of ours (a bound, not a budget).
constexpr std::uint64_t k_max_line_bytes = 64ULL << 20U;
constexpr std::size_t k_chunk = 64U << 10U;
constexpr int k_open_attempts = 16;

std::string failure(const std::filesystem::path& path, const std::string& what, int error) {
    return "audit log " + path.string() + ": " + what + ": " + base::errno_text(error);
}

// Bytes [offset, offset + size) of fd; shorter only at end of file.
tl::expected<std::string, int> read_at(int fd, std::uint64_t offset, std::size_t size) {
    std::string bytes(size, '\0');
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n =
            ::pread(fd, bytes.data() + got, size - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return tl::unexpected(errno);
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    return bytes;
}

// Where the line that ends just before `end` starts (0 when it is the first line): the byte
// after the previous newline.
tl::expected<std::uint64_t, std::string> line_start(int fd, std::uint64_t end) {
    std::uint64_t position = end;
    while (position > 0) {
        if (end - position > k_max_line_bytes) {
            return tl::unexpected(std::string("a line longer than 64 MiB: not a breakglass log"));
        }
        const std::uint64_t from = position > k_chunk ? position - k_chunk : 0;
        auto chunk = read_at(fd, from, static_cast<std::size_t>(position - from));
        if (!chunk) {
            return tl::unexpected("read: " + base::errno_text(chunk.error()));
        }
        const std::size_t newline = chunk->rfind('\n');
        if (newline != std::string::npos) {
            return from + newline + 1;
        }
        position = from;
    }
    return 0;
}

// What an append needs to know about the file, read under the lock.
struct Tail {
    std::uint64_t size = 0;
    std::string log_id; // empty: no complete record yet
    std::uint64_t next_seq = 0;
    std::string head{k_genesis_prev};
    std::optional<std::string> torn;    // bytes after the last newline
    std::uint64_t first_line_bytes = 0; // the file's first line with its newline
};

tl::expected<nlohmann::json, std::string> parse_record(const std::string& line) {
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (!count_field(record, "seq")) {
        return tl::unexpected(std::string("unreadable record"));
    }
    return record;
}

// Whether a torn tail is in fact a whole record that continues the chain: only its newline was
// lost (a crash between the two, or a cut of one byte). It is then complete, not torn: the next
// append adds the newline alone. (A `torn` record after it would repeat its seq, and the log
// would never verify again.)
bool whole_record_continuing(const std::string& torn, const Tail& tail) {
    nlohmann::json record = nlohmann::json::parse(torn, nullptr, false);
    return !tail.log_id.empty() && record.is_object() && canonical_text(record) == torn &&
           text_field(record, "hash") == record_hash(record) &&
           count_field(record, "seq") == tail.next_seq && text_field(record, "prev") == tail.head;
}

tl::expected<Tail, std::string> read_tail(int fd, std::uint64_t size) {
    Tail tail;
    tail.size = size;
    if (size == 0) {
        return tail;
    }
    auto last_byte = read_at(fd, size - 1, 1);
    if (!last_byte || last_byte->size() != 1) {
        return tl::unexpected(std::string("cannot read the last byte"));
    }
    std::uint64_t end = size; // one past the last complete line's newline
    if ((*last_byte)[0] != '\n') {
        auto start = line_start(fd, size);
        if (!start) {
            return tl::unexpected(start.error());
        }
        auto torn = read_at(fd, *start, static_cast<std::size_t>(size - *start));
        if (!torn) {
            return tl::unexpected("read: " + base::errno_text(torn.error()));
        }
        tail.torn = std::move(*torn);
        end = *start;
    }
    if (end == 0) {
        return tail; // only a torn first line: the log starts over after it
    }
    auto start = line_start(fd, end - 1);
    if (!start) {
        return tl::unexpected(start.error());
    }
    auto line = read_at(fd, *start, static_cast<std::size_t>(end - 1 - *start));
    if (!line) {
        return tl::unexpected("read: " + base::errno_text(line.error()));
    }
    auto last = parse_record(*line);
    if (!last) {
        return tl::unexpected(
            std::string("its last record is unreadable (see 'breakglass audit verify')"));
    }
    tail.next_seq = *count_field(*last, "seq") + 1;
    tail.head = line_head(*line);
    // The log id is in the file's log-start: its first line, or its second when the first is
    // a torn line that the log-start recovered.
    auto opening =
        read_at(fd, 0, static_cast<std::size_t>(std::min<std::uint64_t>(end, 2 * k_chunk)));
    if (!opening) {
        return tl::unexpected("read: " + base::errno_text(opening.error()));
    }
    const std::size_t first_end = opening->find('\n');
    tail.first_line_bytes = first_end == std::string::npos ? end : first_end + 1;
    nlohmann::json first = nlohmann::json::parse(opening->substr(0, first_end), nullptr, false);
    if (first.is_discarded() && first_end != std::string::npos) {
        const std::size_t second_end = opening->find('\n', first_end + 1);
        first =
            nlohmann::json::parse(opening->substr(first_end + 1, second_end == std::string::npos
                                                                     ? std::string::npos
                                                                     : second_end - first_end - 1),
                                  nullptr, false);
    }
    if (text_field(first, "type") != "log-start" || text_field(first, "log_id").empty()) {
        return tl::unexpected(std::string("not a breakglass audit log (no log-start record)"));
    }
    tail.log_id = text_field(first, "log_id");
    return tail;
}

// Writes `bytes` with one write(); a short write is cut back to `size` (we hold the lock).
tl::expected<void, int> write_once(int fd, const std::string& bytes, std::uint64_t size) {
    ssize_t written = -1;
    do {
        written = ::write(fd, bytes.data(), bytes.size());
    } while (written < 0 && errno == EINTR);
    if (written == static_cast<ssize_t>(bytes.size())) {
        return {};
    }
    const int error = written < 0 ? errno : ENOSPC;
    if (written > 0) {
        // Best effort: if the cut fails too, the partial record stays and `audit verify` reports
        // a torn last record; the write's error is still the one to report. (A named result:
        // glibc's _FORTIFY_SOURCE marks ftruncate warn_unused_result, which a (void) cast does
        // not silence in GCC, so Debian's build flags warned here.)
        const int cut = ::ftruncate(fd, static_cast<off_t>(size));
        static_cast<void>(cut);
    }
    return tl::unexpected(error);
}

nlohmann::json log_start(const std::string& log_id) {
    return nlohmann::json{{"type", "log-start"}, {"run_id", ""}, {"log_id", log_id}};
}

} // namespace

std::string random_id() {
    unsigned char bytes[16] = {};
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (errno != EINTR) {
            break; // cannot happen on Linux >= 3.17 for 16 bytes; zeros are still unique-ish
        }
    }
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string id;
    for (unsigned char byte : bytes) {
        id += k_digits[byte >> 4U];
        id += k_digits[byte & 0x0FU];
    }
    return id;
}

AuditLog::AuditLog(std::filesystem::path path, std::uint64_t rotate_bytes)
    : m_path(std::move(path)), m_rotate_bytes(rotate_bytes) {}

namespace {

// fsync of a file makes its bytes durable, not its name: a file just created or renamed into
// place needs its directory synced too, or a crash can lose the record that was "on disk".
bool sync_directory_of(const std::filesystem::path& path) {
    const std::filesystem::path directory =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    return fd && ::fsync(fd.get()) == 0;
}

} // namespace

tl::expected<Appended, std::string> AuditLog::append(const nlohmann::json& fields, bool sync) {
    // A directory others may write to lets them replace or remove the log between two runs,
    // which no hash chain inside the file can show: refused, as the state directory is. Once
    // per log object: a run appends a record per node, and the answer does not change.
    if (!m_directory_checked) {
        const std::filesystem::path directory =
            m_path.has_parent_path() ? m_path.parent_path() : std::filesystem::path(".");
        if (auto made = base::make_private_dirs(directory); !made) {
            return tl::unexpected("audit log " + m_path.string() + ": " + made.error());
        }
        if (auto problem = base::private_dir_problem(directory)) {
            return tl::unexpected("audit log " + m_path.string() + ": " + *problem);
        }
        m_directory_checked = true;
    }
    bool new_name = false; // a file created or rotated into place by this append
    for (int attempt = 0; attempt < k_open_attempts; ++attempt) {
        UniqueFd fd(
            ::open(m_path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) {
            return tl::unexpected(failure(m_path, "cannot open", errno));
        }
        while (::flock(fd.get(), LOCK_EX) != 0) {
            if (errno != EINTR) {
                return tl::unexpected(failure(m_path, "cannot lock", errno));
            }
        }
        struct stat opened {};
        struct stat named {};
        if (::fstat(fd.get(), &opened) != 0) {
            return tl::unexpected(failure(m_path, "cannot stat", errno));
        }
        if (!S_ISREG(opened.st_mode)) {
            return tl::unexpected("audit log " + m_path.string() + ": not a regular file");
        }
        if (::lstat(m_path.c_str(), &named) != 0 || named.st_ino != opened.st_ino ||
            named.st_dev != opened.st_dev) {
            continue; // rotated (or replaced) while we waited for the lock: open the new file
        }
        auto tail = read_tail(fd.get(), static_cast<std::uint64_t>(opened.st_size));
        if (!tail) {
            return tl::unexpected("audit log " + m_path.string() + ": " + tail.error());
        }
        std::uint64_t size = tail->size;
        std::string pending; // the records this append writes before its own
        if (tail->torn && whole_record_continuing(*tail->torn, *tail)) {
            pending = "\n";
            tail->head = line_head(*tail->torn);
            ++tail->next_seq;
        } else if (tail->torn) {
            nlohmann::json recovery = tail->log_id.empty()
                                          ? log_start(random_id())
                                          : nlohmann::json{{"type", "torn"}, {"run_id", ""}};
            recovery["torn"] = {{"bytes", tail->torn->size()}, {"sha256", sha256_hex(*tail->torn)}};
            const std::string line =
                seal_record(recovery, tail->next_seq, tail->head, now_timestamp());
            pending = "\n" + line + "\n";
            if (tail->log_id.empty()) {
                tail->log_id = recovery["log_id"].get<std::string>();
            }
            tail->head = line_head(line);
            ++tail->next_seq;
        } else if (tail->log_id.empty()) {
            tail->log_id = random_id();
            const std::string line =
                seal_record(log_start(tail->log_id), tail->next_seq, tail->head, now_timestamp());
            pending = line + "\n";
            tail->head = line_head(line);
            ++tail->next_seq;
        }
        if (size == 0) {
            new_name = true;
        }
        if (!pending.empty()) {
            if (auto written = write_once(fd.get(), pending, size); !written) {
                return tl::unexpected(failure(m_path, "cannot write", written.error()));
            }
            size += pending.size();
        }
        const std::string line =
            seal_record(fields, tail->next_seq, tail->head, now_timestamp()) + "\n";
        // A file that holds only its log-start never rotates: a record larger than the limit
        // gets a file of its own instead of endless new files.
        if (m_rotate_bytes > 0 && pending.empty() && size > tail->first_line_bytes &&
            size + line.size() > m_rotate_bytes) {
            // The new file is complete (its log-start, fsynced) before it takes the name.
            const std::filesystem::path rotated =
                m_path.string() + "." + std::to_string(tail->next_seq - 1);
            const std::filesystem::path fresh =
                m_path.string() + ".new-" + std::to_string(::getpid());
            nlohmann::json start = log_start(tail->log_id);
            start["predecessor"] = {
                {"path", rotated.string()}, {"records", tail->next_seq}, {"head", tail->head}};
            const std::string start_line =
                seal_record(start, tail->next_seq, tail->head, now_timestamp()) + "\n";
            UniqueFd next(
                ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
            if (!next) {
                return tl::unexpected(failure(fresh, "cannot create", errno));
            }
            if (auto written = write_once(next.get(), start_line, 0);
                !written || ::fsync(next.get()) != 0) {
                const int error = written ? errno : written.error();
                ::unlink(fresh.c_str());
                return tl::unexpected(failure(fresh, "cannot write", error));
            }
            if (::link(m_path.c_str(), rotated.c_str()) != 0) {
                const int error = errno;
                ::unlink(fresh.c_str());
                return tl::unexpected(failure(rotated, "cannot rotate to", error));
            }
            if (::rename(fresh.c_str(), m_path.c_str()) != 0) {
                const int error = errno;
                ::unlink(rotated.c_str());
                ::unlink(fresh.c_str());
                return tl::unexpected(failure(m_path, "cannot rotate", error));
            }
            new_name = true;
            continue; // append to the new file, under its own lock
        }
        if (auto written = write_once(fd.get(), line, size); !written) {
            return tl::unexpected(failure(m_path, "cannot write", written.error()));
        }
        if (sync && ::fsync(fd.get()) != 0) {
            return tl::unexpected(failure(m_path, "cannot fsync", errno));
        }
        if (sync && new_name && !sync_directory_of(m_path)) {
            return tl::unexpected(failure(m_path, "cannot fsync its directory", errno));
        }
        return Appended{tail->next_seq,
                        line_head(std::string_view(line).substr(0, line.size() - 1)), tail->log_id,
                        m_path};
    }
    return tl::unexpected("audit log " + m_path.string() +
                          ": replaced again and again while waiting for its lock");
}

} // namespace breakglass::audit
