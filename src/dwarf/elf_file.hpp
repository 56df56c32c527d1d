#pragma once
// A read-only view of one ELF64 x86-64 file: headers, sections, PT_LOAD segments. The file is
// mmap'ed, so spans into it stay valid for the object's lifetime and cost no copy; only
// compressed sections (SHF_COMPRESSED, e.g. Go's .debug_*) get a decompressed copy.
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"

namespace godbg {

struct elf_section {
  std::string name;
  file_addr addr;                      // sh_addr
  std::uint64_t offset = 0, size = 0;  // size: of `data` (decompressed size if SHF_COMPRESSED)
  std::uint32_t type = 0;
  std::uint64_t flags = 0;
  std::span<const std::uint8_t> data;  // contents, decompressed if SHF_COMPRESSED; empty for NOBITS
  std::uint32_t link = 0, info = 0;    // sh_link, sh_info
  std::uint64_t entsize = 0;           // sh_entsize
};

struct elf_segment {
  file_addr vaddr;
  std::uint64_t memsz = 0, filesz = 0, offset = 0;
  std::uint32_t flags = 0;  // PF_R/PF_W/PF_X
};

class elf_file {
 public:
  // Throws godbg::error with one-line messages like "PATH: no such file", "PATH: not an ELF
  // file", "PATH: truncated ELF file", "PATH: not an x86-64 ELF file".
  static std::unique_ptr<elf_file> open(const std::string& path);
  ~elf_file();
  elf_file(const elf_file&) = delete;
  elf_file& operator=(const elf_file&) = delete;

  const std::string& path() const { return path_; }
  bool is_pie() const { return is_pie_; }  // ET_DYN
  file_addr entry() const { return entry_; }
  // Compressed sections are inflated on first access through any of these three; only
  // sections() inflates them all, so prefer section()/section_at() for a few.
  const std::vector<elf_section>& sections() const;
  const elf_section* section(std::string_view name) const;  // nullptr if absent
  const elf_section* section_at(
      std::size_t index) const;  // by header index; nullptr if out of range
  std::size_t section_count() const { return sections_.size(); }
  // Section names and types, without inflating anything (data of compressed ones may be empty).
  const std::vector<elf_section>& section_headers() const { return sections_; }
  const std::vector<elf_segment>& load_segments() const { return segments_; }  // PT_LOAD only
  // PT_DYNAMIC's address: where the dynamic linker's DT_DEBUG slot is (nullopt: static).
  std::optional<file_addr> dynamic_addr() const { return dynamic_; }
  // The GNU build ID (.note.gnu.build-id) in hex, "" if none: how a separate debug file
  // (/usr/lib/debug/.build-id/xx/yyyy.debug) is found.
  std::string build_id() const;
  // PT_INTERP: the dynamic linker a dynamically linked program asks for ("" if none).
  const std::string& interpreter() const { return interpreter_; }

  // The file image's bytes at a file address (through PT_LOAD), e.g. original code bytes under
  // an int3; nullopt if not fully inside one segment's file-backed part.
  std::optional<std::span<const std::uint8_t>> bytes_at(file_addr a, std::size_t n) const;
  // From `a` to the end of the file-backed part of its segment (for data of unknown length,
  // such as NUL-terminated strings); nullopt if `a` is in no segment's file-backed part.
  std::optional<std::span<const std::uint8_t>> bytes_from(file_addr a) const;

  // The pointer-sized word at `a` as the loader leaves it: the file's value, or, where an
  // external linker left a PIE's slot zero, the addend of its R_X86_64_RELATIVE relocation
  // (without the load bias). nullopt if `a` is not in the file image.
  std::optional<std::uint64_t> pointer_at(file_addr a) const;
  // Every R_X86_64_RELATIVE relocation as {offset, addend}, sorted by offset.
  std::span<const std::pair<std::uint64_t, std::uint64_t>> relative_relocations() const;

  // The whole file as mapped.
  std::span<const std::uint8_t> image() const { return {base_, size_}; }
  // Problems that did not stop the open (e.g. a compressed section that failed to inflate and
  // is left empty; that is found when the section is first accessed).
  std::vector<std::string> warnings() const;

 private:
  elf_file() = default;
  void parse();
  void parse_sections(std::uint64_t shoff, std::uint16_t shentsize, std::uint16_t shnum,
                      std::uint16_t shstrndx);
  void decompress(elf_section& s, std::span<const std::uint8_t> raw) const;
  void inflate(std::size_t index) const;

  std::string path_;
  const std::uint8_t* base_ = nullptr;
  std::size_t size_ = 0;
  bool is_pie_ = false;
  file_addr entry_;
  mutable std::vector<elf_section> sections_;  // `data` filled lazily for compressed ones
  std::vector<elf_segment> segments_;
  std::optional<file_addr> dynamic_;
  std::string interpreter_;
  mutable std::mutex inflate_mu_;                               // guards the three below
  mutable std::vector<std::span<const std::uint8_t>> pending_;  // raw bytes still to inflate
  mutable std::deque<std::vector<std::uint8_t>> inflated_;      // owns decompressed contents
  mutable std::vector<std::string> warnings_;
  mutable bool all_inflated_ = false;
  mutable std::once_flag relocs_once_;
  mutable std::vector<std::pair<std::uint64_t, std::uint64_t>> relative_relocs_;
};

// Little-endian integer at byte offset `off` of `b`, nullopt if it does not fit. Uses memcpy so
// unaligned offsets are fine.
template <typename T>
std::optional<T> load_le(std::span<const std::uint8_t> b, std::uint64_t off) {
  if (off > b.size() || b.size() - off < sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

// The NUL-terminated string starting at `off` of `b`; nullopt if off is out of range or no NUL
// follows inside `b`.
std::optional<std::string_view> load_cstr(std::span<const std::uint8_t> b, std::uint64_t off);

}  // namespace godbg
