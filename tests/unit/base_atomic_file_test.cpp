#include "base/atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

using breakglass::base::replace_file_atomically;

namespace {

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class AtomicFile : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir =
            std::filesystem::temp_directory_path() / ("atomic-file-" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }
    std::filesystem::path m_dir;
};

} // namespace

TEST_F(AtomicFile, KeepsAnExistingFilesModeAndGivesANewOneItsOwn) {
    const auto file = m_dir / "f";
    ASSERT_TRUE(replace_file_atomically(file, "one", 0600));
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
    ASSERT_TRUE(replace_file_atomically(file, "two", 0600));
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640U);
    EXPECT_EQ(read(file), "two");
}

TEST_F(AtomicFile, ReplacesASymlinkInsteadOfWritingThroughIt) {
    const auto victim = m_dir / "victim";
    { std::ofstream(victim) << "keep"; }
    const auto link = m_dir / "metrics.prom";
    std::filesystem::create_symlink(victim, link);
    ASSERT_TRUE(replace_file_atomically(link, "metrics", 0644));
    EXPECT_FALSE(std::filesystem::is_symlink(link));
    EXPECT_EQ(read(link), "metrics");
    EXPECT_EQ(read(victim), "keep");
}
