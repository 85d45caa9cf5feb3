// Crash-safe files: whole files replaced atomically (checkpoints, models), and
// append-only logs whose records reach the disk before the run goes on
// (samples, per-trial logs). A crash leaves either the old or the new content
// of an atomic file, and an append-only log that may end in a partial record,
// which a restart truncates to the size recorded in the last checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace slhmc {

// Writes `content` to `path` atomically: temporary file in the same directory, fsync, rename,
// fsync of the directory. If `keep_previous` and `path` exists, the old file is first kept as
// `path + ".prev"` — so a corrupted new file never leaves the run without a good copy — and
// `path` itself is there at every instant (a process killed half-way leaves old or new).
void write_file_atomically(const std::string& path, const std::string& content, bool keep_previous = false);

// An append-only file. Records are written with one write() each; sync() makes everything
// appended so far durable (fdatasync).
class AppendOnlyFile {
 public:
  AppendOnlyFile() = default;
  // Opens (creating if needed) for appending. If `truncate_to` is given the file is first cut to
  // that many bytes (a restart discarding what came after the last checkpoint); a file shorter
  // than that is an error (the log does not belong to the checkpoint).
  explicit AppendOnlyFile(const std::string& path, std::int64_t truncate_to = -1);
  ~AppendOnlyFile();
  AppendOnlyFile(AppendOnlyFile&& other) noexcept;
  AppendOnlyFile& operator=(AppendOnlyFile&& other) noexcept;
  AppendOnlyFile(const AppendOnlyFile&) = delete;
  AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;

  void append(const std::string& record);
  void sync();
  // Bytes in the file (what a checkpoint records).
  std::int64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  std::string path_;
  int fd_ = -1;
  std::int64_t size_ = 0;
};

// The whole file, or nothing if it cannot be opened (not there yet, no permission): for files
// written atomically, which are complete whenever they can be opened.
std::optional<std::string> read_whole_file(const std::string& path);

// The first `size` bytes of an append-only log (what a checkpoint counts; bytes after it may be a
// torn record). Throws Error if the file cannot be read or is shorter.
std::string read_file_prefix(const std::string& path, std::int64_t size);

// 64-bit FNV-1a of a byte string: the checksum of checkpoints and model files.
std::uint64_t fnv1a64(const std::string& bytes);
// A 64-bit value as 16 lower-case hex digits (how checksums are written).
std::string hex16(std::uint64_t value);

}  // namespace slhmc
