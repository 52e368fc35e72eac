// The state directory as OpenSSH's StrictModes judges ~/.ssh, and files in it that are never
// followed through symlinks. Run as root in CI: chown to another uid needs it.
#include "config/paths.hpp"
#include "playbooks/version_state.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::config::ensure_writable_dir;
namespace fs = std::filesystem;

namespace {

class StateDirTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "bg-state-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_root = pattern;
    }
    void TearDown() override { fs::remove_all(m_root); }

    static mode_t mode_of(const fs::path& path) {
        struct stat info {};
        EXPECT_EQ(::stat(path.c_str(), &info), 0);
        return info.st_mode & 07777;
    }

    fs::path m_root;
};

breakglass::playbooks::Playbook playbook_version(std::int64_t version) {
    breakglass::playbooks::Playbook playbook;
    playbook.name = "p";
    playbook.version = version;
    return playbook;
}

} // namespace

TEST_F(StateDirTest, CreatesMissingDirectoriesPrivate) {
    const mode_t old_umask = ::umask(0);
    auto made = ensure_writable_dir(m_root / "a" / "b");
    ::umask(old_umask);
    ASSERT_TRUE(made) << made.error();
    EXPECT_EQ(mode_of(m_root / "a"), 0700U);
    EXPECT_EQ(mode_of(m_root / "a" / "b"), 0700U);
}

TEST_F(StateDirTest, GroupOrWorldWritableIsRefusedSayingWhy) {
    const fs::path dir = m_root / "state";
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(dir.c_str(), 0770), 0);
    auto group = ensure_writable_dir(dir);
    ASSERT_FALSE(group);
    EXPECT_NE(group.error().find("writable by its group (mode 0770)"), std::string::npos)
        << group.error();
    ASSERT_EQ(::chmod(dir.c_str(), 01777), 0);
    auto world = ensure_writable_dir(dir);
    ASSERT_FALSE(world);
    EXPECT_NE(world.error().find("writable by everyone"), std::string::npos) << world.error();
    EXPECT_EQ(mode_of(dir), 01777U) << "a refused directory is left as it was";
    ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
    EXPECT_TRUE(ensure_writable_dir(dir)) << "readable by others is fine, as for ~/.ssh";
}

TEST_F(StateDirTest, AnotherUsersDirectoryIsRefused) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to give a directory to another user";
    }
    const fs::path dir = m_root / "state";
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(::chown(dir.c_str(), 4242, 4242), 0);
    auto refused = ensure_writable_dir(dir);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("owned by uid 4242"), std::string::npos) << refused.error();
}

TEST_F(StateDirTest, NeverChmodsThroughASymlink) {
    // The old code chmod'ed the state dir to 0700 whatever it named: through a symlink that is
    // whatever the link points at.
    const fs::path target = m_root / "elsewhere";
    ASSERT_EQ(::mkdir(target.c_str(), 0750), 0);
    ASSERT_EQ(::chmod(target.c_str(), 0750), 0);
    fs::create_directory_symlink(target, m_root / "state");
    ASSERT_TRUE(ensure_writable_dir(m_root / "state"));
    EXPECT_EQ(mode_of(target), 0750U);
}

TEST_F(StateDirTest, SymlinkedLockFileIsNotFollowed) {
    const fs::path file = m_root / "playbook-versions.json";
    const fs::path victim = m_root / "victim";
    fs::create_symlink(victim, file.string() + ".lock");
    auto recorded = breakglass::playbooks::record_version(file, playbook_version(3));
    ASSERT_FALSE(recorded);
    EXPECT_NE(recorded.error().message.find(".lock"), std::string::npos)
        << recorded.error().message;
    EXPECT_FALSE(fs::exists(victim)) << "the lock was created through the symlink";
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(StateDirTest, PlantedTemporaryFileIsNotFollowed) {
    // The old temporary name was FILE.tmp.PID: plant a symlink there, and a file too.
    const fs::path file = m_root / "playbook-versions.json";
    const fs::path victim = m_root / "victim";
    std::ofstream(victim) << "precious\n";
    fs::create_symlink(victim, file.string() + ".tmp." + std::to_string(::getpid()));
    auto recorded = breakglass::playbooks::record_version(file, playbook_version(3));
    ASSERT_TRUE(recorded) << recorded.error().message;
    std::ifstream in(victim);
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "precious");
    EXPECT_EQ(breakglass::playbooks::load_version_state(file)->at("p"), 3);
    EXPECT_EQ(mode_of(file), 0600U);
    EXPECT_FALSE(fs::is_symlink(file));
}
