// Atomic replacement and durable appends on POSIX file systems (no reliance
// on locking; works on NFS/Lustre-like shared file systems).
#include "slhmc/io/durable_file.hpp"

#include <cinttypes>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {
std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write '" + path + "': " + errno_text());
    }
    done += static_cast<std::size_t>(n);
  }
}

void sync_directory_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}
}  // namespace

void write_file_atomically(const std::string& path, const std::string& content, bool keep_previous) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw Error("cannot create a temporary file beside '" + path + "': " + errno_text());
  try {
    write_all(fd, content, tmp);
    if (::fsync(fd) != 0) throw Error("cannot flush '" + tmp + "' to disk: " + errno_text());
    ::fchmod(fd, 0644);
    ::close(fd);
  } catch (...) {
    ::close(fd);
    std::remove(tmp.c_str());
    throw;
  }
  if (keep_previous && std::filesystem::exists(path)) {
    // The old file becomes .prev through a second name (a hard link, or a copy where the file
    // system has none), so that `path` itself never goes missing: a process killed between two
    // renames would otherwise leave only .prev, and a restart would find no checkpoint.
    const std::string prev = path + ".prev", prev_tmp = prev + ".tmp";
    std::error_code ec;
    std::filesystem::remove(prev_tmp, ec);
    std::filesystem::create_hard_link(path, prev_tmp, ec);
    if (ec) std::filesystem::copy_file(path, prev_tmp, ec);
    if (ec || std::rename(prev_tmp.c_str(), prev.c_str()) != 0) {
      const std::string why = ec ? ec.message() : errno_text();
      std::remove(tmp.c_str());
      std::remove(prev_tmp.c_str());
      throw Error("cannot keep '" + path + "' as '" + prev + "': " + why);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot rename '" + tmp + "' to '" + path + "': " + errno_text());
  }
  sync_directory_of(path);
}

AppendOnlyFile::AppendOnlyFile(const std::string& path, std::int64_t truncate_to) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open '" + path + "' for appending: " + errno_text());
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw Error("cannot stat '" + path + "': " + errno_text());
  size_ = st.st_size;
  if (truncate_to >= 0) {
    if (truncate_to > size_) {
      ::close(fd_);
      fd_ = -1;
      throw Error("'" + path + "' has " + std::to_string(size_) + " bytes but the checkpoint recorded " +
                  std::to_string(truncate_to) + ": the file does not belong to this checkpoint");
    }
    if (::ftruncate(fd_, truncate_to) != 0) throw Error("cannot truncate '" + path + "': " + errno_text());
    size_ = truncate_to;
  }
}

AppendOnlyFile::~AppendOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

AppendOnlyFile::AppendOnlyFile(AppendOnlyFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
}

AppendOnlyFile& AppendOnlyFile::operator=(AppendOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    size_ = other.size_;
    other.fd_ = -1;
  }
  return *this;
}

void AppendOnlyFile::append(const std::string& record) {
  if (fd_ < 0) throw Error("append to a closed file");
  write_all(fd_, record, path_);
  size_ += static_cast<std::int64_t>(record.size());
}

void AppendOnlyFile::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) throw Error("cannot flush '" + path_ + "' to disk: " + errno_text());
}

std::string hex16(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, value);
  return buf;
}

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string read_file_prefix(const std::string& path, std::int64_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "'");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
    throw Error("'" + path + "' is shorter (" + std::to_string(in.gcount()) + " bytes) than its log size (" +
                std::to_string(size) + ")");
  return bytes;
}

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace slhmc
