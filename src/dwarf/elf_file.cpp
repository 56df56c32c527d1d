#include "dwarf/elf_file.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "common/error.hpp"

namespace godbg {

namespace {

// Closes the descriptor on every path out of open(); the mapping outlives it.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

// zlib cannot expand by more than ~1032:1, so a claimed size beyond that is corrupt; refusing it
// keeps a forged header from asking for a huge allocation.
constexpr std::uint64_t max_inflate_ratio = 1040;

bool fits(std::uint64_t off, std::uint64_t len, std::uint64_t total) {
  return off <= total && len <= total - off;
}

}  // namespace

std::optional<std::string_view> load_cstr(std::span<const std::uint8_t> b, std::uint64_t off) {
  if (off >= b.size()) return std::nullopt;
  const auto* start = b.data() + off;
  const void* nul = std::memchr(start, 0, b.size() - off);
  if (!nul) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(start),
                          static_cast<const std::uint8_t*>(nul) - start);
}

std::unique_ptr<elf_file> elf_file::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) fail("{}: no such file", path);
    fail_errno("{}: cannot open", path);
  }
  fd_guard guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno("{}: cannot stat", path);
  if (S_ISDIR(st.st_mode)) fail("{}: is a directory", path);
  if (!S_ISREG(st.st_mode)) fail("{}: not a regular file", path);

  std::unique_ptr<elf_file> f(new elf_file());
  f->path_ = path;
  f->size_ = static_cast<std::size_t>(st.st_size);
  if (f->size_ < SELFMAG) fail("{}: not an ELF file", path);
  void* m = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) fail_errno("{}: cannot map file", path);
  f->base_ = static_cast<const std::uint8_t*>(m);
  f->parse();  // on a throw, ~elf_file unmaps
  return f;
}

elf_file::~elf_file() {
  if (base_) ::munmap(const_cast<std::uint8_t*>(base_), size_);
}

void elf_file::parse() {
  const auto img = image();
  if (std::memcmp(base_, ELFMAG, SELFMAG) != 0) fail("{}: not an ELF file", path_);
  if (size_ < EI_NIDENT) fail("{}: truncated ELF file", path_);
  if (base_[EI_CLASS] != ELFCLASS64 || base_[EI_DATA] != ELFDATA2LSB)
    fail("{}: not an x86-64 ELF file", path_);
  auto eh = load_le<Elf64_Ehdr>(img, 0);
  if (!eh) fail("{}: truncated ELF file", path_);
  if (eh->e_machine != EM_X86_64) fail("{}: not an x86-64 ELF file", path_);
  if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
    fail("{}: not an executable ELF file (type {})", path_, eh->e_type);
  is_pie_ = eh->e_type == ET_DYN;
  entry_ = file_addr(eh->e_entry);

  if (eh->e_phnum > 0) {
    if (eh->e_phentsize < sizeof(Elf64_Phdr)) fail("{}: bad program header size", path_);
    if (!fits(eh->e_phoff, std::uint64_t(eh->e_phnum) * eh->e_phentsize, size_))
      fail("{}: truncated ELF file", path_);
    for (std::uint16_t i = 0; i < eh->e_phnum; ++i) {
      auto ph = *load_le<Elf64_Phdr>(img, eh->e_phoff + std::uint64_t(i) * eh->e_phentsize);
      if (ph.p_type == PT_DYNAMIC) dynamic_ = file_addr(ph.p_vaddr);
      if (ph.p_type == PT_INTERP && fits(ph.p_offset, ph.p_filesz, size_) && ph.p_filesz > 1)
        interpreter_.assign(
            reinterpret_cast<const char*>(base_ + ph.p_offset),
            ::strnlen(reinterpret_cast<const char*>(base_ + ph.p_offset), ph.p_filesz));
      if (ph.p_type != PT_LOAD) continue;
      if (!fits(ph.p_offset, ph.p_filesz, size_)) fail("{}: truncated ELF file", path_);
      if (ph.p_filesz > ph.p_memsz ||
          ph.p_vaddr > std::numeric_limits<std::uint64_t>::max() - ph.p_memsz)
        fail("{}: corrupt program header {}", path_, i);
      segments_.push_back(
          {file_addr(ph.p_vaddr), ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_flags});
    }
  }
  std::sort(segments_.begin(), segments_.end(),
            [](const elf_segment& a, const elf_segment& b) { return a.vaddr < b.vaddr; });
  parse_sections(eh->e_shoff, eh->e_shentsize, eh->e_shnum, eh->e_shstrndx);
}

void elf_file::parse_sections(std::uint64_t shoff, std::uint16_t shentsize, std::uint16_t shnum16,
                              std::uint16_t shstrndx16) {
  if (shoff == 0) return;  // no section headers (sstrip'ed): segments still work
  const auto img = image();
  if (shentsize < sizeof(Elf64_Shdr)) fail("{}: bad section header size", path_);
  auto sh0 = load_le<Elf64_Shdr>(img, shoff);
  if (!sh0) fail("{}: truncated ELF file", path_);
  // Counts that do not fit the 16-bit header fields live in section 0.
  std::uint64_t shnum = shnum16 ? shnum16 : sh0->sh_size;
  std::uint64_t shstrndx = shstrndx16 == SHN_XINDEX ? sh0->sh_link : shstrndx16;
  if (shnum > size_ / shentsize || !fits(shoff, shnum * shentsize, size_))
    fail("{}: truncated ELF file", path_);

  std::vector<Elf64_Shdr> hdrs(shnum);
  for (std::uint64_t i = 0; i < shnum; ++i)
    hdrs[i] = *load_le<Elf64_Shdr>(img, shoff + i * shentsize);
  std::span<const std::uint8_t> names;
  if (shstrndx < shnum && hdrs[shstrndx].sh_type != SHT_NOBITS) {
    const auto& s = hdrs[shstrndx];
    if (!fits(s.sh_offset, s.sh_size, size_)) fail("{}: truncated ELF file", path_);
    names = img.subspan(s.sh_offset, s.sh_size);
  }

  sections_.reserve(shnum);
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const auto& h = hdrs[i];
    elf_section s;
    s.name = std::string(load_cstr(names, h.sh_name).value_or(""));
    s.addr = file_addr(h.sh_addr);
    s.offset = h.sh_offset;
    s.type = h.sh_type;
    s.flags = h.sh_flags;
    s.link = h.sh_link;
    s.info = h.sh_info;
    s.entsize = h.sh_entsize;
    if (h.sh_type != SHT_NOBITS && h.sh_type != SHT_NULL) {
      if (!fits(h.sh_offset, h.sh_size, size_)) fail("{}: truncated ELF file", path_);
      auto raw = img.subspan(h.sh_offset, h.sh_size);
      if (h.sh_flags & SHF_COMPRESSED) {
        // Inflated on first access: DWARF is most of a Go binary and often never read here.
        if (pending_.size() <= i) pending_.resize(i + 1);
        pending_[i] = raw;
        if (auto ch = load_le<Elf64_Chdr>(raw, 0)) s.size = ch->ch_size;
      } else {
        s.data = raw;
        s.size = raw.size();
      }
    } else {
      s.size = h.sh_type == SHT_NOBITS ? h.sh_size : 0;  // NOBITS: memory size, no data
    }
    sections_.push_back(std::move(s));
  }
}

void elf_file::decompress(elf_section& s, std::span<const std::uint8_t> raw) const {
  s.size = 0;  // until the inflated data is there
  auto ch = load_le<Elf64_Chdr>(raw, 0);
  if (!ch) {
    warnings_.push_back(fmt::format("{}: section {}: truncated compression header", path_, s.name));
    return;
  }
  if (ch->ch_type != ELFCOMPRESS_ZLIB) {
    warnings_.push_back(
        fmt::format("{}: section {}: unsupported compression type {}", path_, s.name, ch->ch_type));
    return;
  }
  auto in = raw.subspan(sizeof(Elf64_Chdr));
  if (ch->ch_size > (in.size() + 64) * max_inflate_ratio ||
      ch->ch_size > std::numeric_limits<uLong>::max()) {
    warnings_.push_back(fmt::format("{}: section {}: implausible uncompressed size {}", path_,
                                    s.name, ch->ch_size));
    return;
  }
  std::vector<std::uint8_t> out(ch->ch_size);
  uLongf out_len = out.size();
  int rc = ::uncompress(out.data(), &out_len, in.data(), in.size());
  if (rc != Z_OK || out_len != out.size()) {
    warnings_.push_back(fmt::format("{}: section {}: zlib error {} (got {} of {} bytes)", path_,
                                    s.name, rc, out_len, out.size()));
    return;
  }
  inflated_.push_back(std::move(out));
  s.data = inflated_.back();
  s.size = s.data.size();
}

void elf_file::inflate(std::size_t index) const {
  std::lock_guard lock(inflate_mu_);
  if (index >= pending_.size() || pending_[index].empty()) return;
  auto raw = pending_[index];
  pending_[index] = {};
  decompress(sections_[index], raw);
}

const elf_section* elf_file::section_at(std::size_t index) const {
  if (index >= sections_.size()) return nullptr;
  inflate(index);
  return &sections_[index];
}

const elf_section* elf_file::section(std::string_view name) const {
  for (std::size_t i = 0; i < sections_.size(); ++i)
    if (sections_[i].name == name) return section_at(i);
  return nullptr;
}

const std::vector<elf_section>& elf_file::sections() const {
  bool done;
  {
    std::lock_guard lock(inflate_mu_);
    done = all_inflated_;
  }
  if (!done) {
    for (std::size_t i = 0; i < pending_.size(); ++i) inflate(i);
    std::lock_guard lock(inflate_mu_);
    all_inflated_ = true;
  }
  return sections_;
}

std::vector<std::string> elf_file::warnings() const {
  std::lock_guard lock(inflate_mu_);
  return warnings_;
}

std::optional<std::span<const std::uint8_t>> elf_file::bytes_from(file_addr a) const {
  // Segments are sorted by address: the candidate is the last one starting at or below a.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), a,
                             [](file_addr x, const elf_segment& s) { return x < s.vaddr; });
  if (it == segments_.begin()) return std::nullopt;
  const auto& seg = *--it;
  std::uint64_t rel = a.value() - seg.vaddr.value();
  if (rel >= seg.filesz) return std::nullopt;
  return image().subspan(seg.offset + rel, seg.filesz - rel);
}

std::optional<std::span<const std::uint8_t>> elf_file::bytes_at(file_addr a, std::size_t n) const {
  auto rest = bytes_from(a);
  if (!rest || rest->size() < n) return std::nullopt;
  return rest->first(n);
}

std::span<const std::pair<std::uint64_t, std::uint64_t>> elf_file::relative_relocations() const {
  std::call_once(relocs_once_, [&] {
    for (const auto& s : sections_) {
      if (s.type != SHT_RELA || (s.flags & SHF_COMPRESSED)) continue;
      for (std::size_t o = 0; o + sizeof(Elf64_Rela) <= s.data.size(); o += sizeof(Elf64_Rela)) {
        auto r = *load_le<Elf64_Rela>(s.data, o);
        if (ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE)
          relative_relocs_.emplace_back(r.r_offset, std::uint64_t(r.r_addend));
      }
    }
    std::sort(relative_relocs_.begin(), relative_relocs_.end());
  });
  return relative_relocs_;
}

std::optional<std::uint64_t> elf_file::pointer_at(file_addr a) const {
  auto b = bytes_at(a, 8);
  if (!b) return std::nullopt;
  auto v = load_le<std::uint64_t>(*b, 0);
  if (v && *v) return v;
  auto relocs = relative_relocations();
  auto it = std::lower_bound(relocs.begin(), relocs.end(),
                             std::pair<std::uint64_t, std::uint64_t>(a.value(), 0));
  if (it != relocs.end() && it->first == a.value()) return it->second;
  return v;
}

std::string elf_file::build_id() const {
  const elf_section* s = section(".note.gnu.build-id");
  if (!s) return {};
  // Elf64_Nhdr {namesz, descsz, type}, the name "GNU\0", then the ID.
  auto namesz = load_le<std::uint32_t>(s->data, 0), descsz = load_le<std::uint32_t>(s->data, 4),
       type = load_le<std::uint32_t>(s->data, 8);
  if (!namesz || !descsz || !type || *type != NT_GNU_BUILD_ID) return {};
  std::uint64_t at = 12 + ((std::uint64_t(*namesz) + 3) & ~3ull);
  if (at > s->data.size() || *descsz > s->data.size() - at) return {};
  std::string hex;
  for (std::uint64_t i = 0; i < *descsz; ++i) hex += fmt::format("{:02x}", s->data[at + i]);
  return hex;
}

}  // namespace godbg
