#include "dwarf/dwarf_handle.hpp"

#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <mutex>
#include <span>
#include <system_error>
#include <thread>

#include "common/error.hpp"
#include "dwarf/elf_file.hpp"

namespace godbg::dw {

void err_slot::clear() {
  if (e_) dwarf_dealloc_error(dbg_, e_);
  e_ = nullptr;
}

std::string err_slot::message() const {
  return e_ ? std::string(dwarf_errmsg(e_)) : std::string("no error detail");
}

// --- sections

struct section_source {
  struct section {
    std::string name;
    std::uint64_t addr = 0, type = 0, link = 0, info = 0, entsize = 0;
    std::span<const std::uint8_t> raw;  // as in the file
    bool compressed = false;
    std::uint64_t size = 0;  // inflated size for compressed ones
    std::once_flag once;
    std::vector<std::uint8_t> inflated;
    bool ok = false;
  };

  std::unique_ptr<elf_file> file;
  std::unique_ptr<section[]> secs;
  std::size_t count = 0;
  Dwarf_Obj_Access_Methods methods{};
  Dwarf_Obj_Access_Interface iface{};
  std::atomic<bool> stop{false};
  std::thread prefetch;

  ~section_source() {
    stop = true;
    if (prefetch.joinable()) prefetch.join();
  }

  // The section's bytes (inflated once, by whichever thread asks first); false if unusable.
  bool load(std::size_t i) {
    section& s = secs[i];
    std::call_once(s.once, [&] {
      if (!s.compressed) {
        s.ok = true;
        return;
      }
      if (s.raw.size() < sizeof(Elf64_Chdr)) return;
      Elf64_Chdr ch;
      std::memcpy(&ch, s.raw.data(), sizeof ch);
      auto in = s.raw.subspan(sizeof ch);
      // A corrupt header must not make us allocate absurd amounts (zlib's best is ~1032:1).
      if (ch.ch_type != ELFCOMPRESS_ZLIB || ch.ch_size > (in.size() + 64) * 1040 ||
          ch.ch_size > std::numeric_limits<uLong>::max())
        return;
      std::vector<std::uint8_t> out(ch.ch_size);
      if (!inflate_into(in, out)) return;
      s.inflated = std::move(out);
      s.ok = true;
    });
    return s.ok;
  }

  struct stopped {};  // thrown out of call_once when the session ends mid-inflation

  // zlib in slices, so that a session that ends while the prefetch thread inflates a big
  // section does not wait for it to finish. Throws `stopped` then (the section stays unloaded).
  bool inflate_into(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return false;
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = uInt(std::min<std::size_t>(in.size(), std::numeric_limits<uInt>::max()));
    std::size_t done = 0;
    int rc = Z_OK;
    constexpr std::size_t slice = 256 * 1024;
    while (rc == Z_OK) {
      if (stop) {
        inflateEnd(&z);
        throw stopped{};
      }
      std::size_t n = std::min(slice, out.size() - done);
      if (n == 0) break;
      z.next_out = out.data() + done;
      z.avail_out = uInt(n);
      rc = ::inflate(&z, Z_NO_FLUSH);
      done = std::size_t(z.next_out - out.data());
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END && done == out.size();
  }

  const std::uint8_t* data(std::size_t i) {
    section& s = secs[i];
    return s.compressed ? s.inflated.data() : s.raw.data();
  }

  // Reads the section headers of the mapped file; compressed sections are told to libdwarf
  // with their inflated size, so it never sees (or inflates) compressed data itself.
  void index() {
    auto img = file->image();
    Elf64_Ehdr eh;
    if (img.size() < sizeof eh) return;
    std::memcpy(&eh, img.data(), sizeof eh);
    if (eh.e_shoff == 0 || eh.e_shentsize < sizeof(Elf64_Shdr)) return;
    std::uint64_t shnum = eh.e_shnum;
    std::uint64_t shstrndx = eh.e_shstrndx;
    auto shdr = [&](std::uint64_t i) -> std::optional<Elf64_Shdr> {
      std::uint64_t off = eh.e_shoff + i * eh.e_shentsize;
      if (off > img.size() || img.size() - off < sizeof(Elf64_Shdr)) return std::nullopt;
      Elf64_Shdr h;
      std::memcpy(&h, img.data() + off, sizeof h);
      return h;
    };
    auto h0 = shdr(0);
    if (!h0) return;
    if (shnum == 0) shnum = h0->sh_size;
    if (shstrndx == SHN_XINDEX) shstrndx = h0->sh_link;
    if (shnum > img.size() / eh.e_shentsize) return;
    std::span<const std::uint8_t> names;
    if (auto sh = shdr(shstrndx);
        sh && sh->sh_offset <= img.size() && img.size() - sh->sh_offset >= sh->sh_size)
      names = img.subspan(sh->sh_offset, sh->sh_size);
    secs = std::make_unique<section[]>(shnum);
    count = shnum;
    for (std::uint64_t i = 0; i < shnum; ++i) {
      auto h = shdr(i);
      if (!h) continue;
      section& s = secs[i];
      if (h->sh_name < names.size()) {
        auto n = load_cstr(names, h->sh_name);
        if (n) s.name = std::string(*n);
      }
      s.addr = h->sh_addr;
      s.type = h->sh_type;
      s.link = h->sh_link;
      s.info = h->sh_info;
      s.entsize = h->sh_entsize;
      if (h->sh_type == SHT_NOBITS || h->sh_type == SHT_NULL || h->sh_offset > img.size() ||
          img.size() - h->sh_offset < h->sh_size)
        continue;
      s.raw = img.subspan(h->sh_offset, h->sh_size);
      s.size = s.raw.size();
      if (h->sh_flags & SHF_COMPRESSED) {
        s.compressed = true;
        s.size = 0;
        if (s.raw.size() >= sizeof(Elf64_Chdr)) {
          Elf64_Chdr ch;
          std::memcpy(&ch, s.raw.data(), sizeof ch);
          s.size = ch.ch_size;
        }
      }
    }
  }

  // Inflates the sections every session needs, biggest first in the order queries need them,
  // while the program starts; a query that needs one first inflates it itself (call_once).
  void start_prefetch() {
    std::vector<std::size_t> order;
    // (Location lists, the biggest after .debug_info, only `print` needs: inflated on demand.)
    for (const char* want : {".debug_abbrev", ".debug_info", ".debug_addr", ".debug_rnglists",
                             ".debug_ranges", ".debug_line", ".debug_frame"})
      for (std::size_t i = 0; i < count; ++i)
        if (secs[i].compressed && secs[i].name == want) order.push_back(i);
    if (order.empty()) return;
    // The thread is born with every signal blocked: a SIGCHLD it took would be lost (its
    // default action discards it) and the event loop, which waits for SIGCHLD on a signalfd
    // of the main thread, would never wake for a program stopped meanwhile; SIGINT/SIGTERM
    // belong to the main thread too.
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &before);
    struct restore_mask {
      sigset_t& m;
      ~restore_mask() { pthread_sigmask(SIG_SETMASK, &m, nullptr); }
    } restore{before};
    try {
      prefetch = std::thread([this, order] {
        try {
          for (std::size_t i : order) {
            if (stop) return;
            load(i);
          }
        } catch (const stopped&) {
        }
      });
    } catch (const std::system_error&) {
      // No thread: sections are inflated on first use instead.
    }
  }

  static int get_section_info(void* obj, Dwarf_Half i, Dwarf_Obj_Access_Section* out, int* err) {
    auto* self = static_cast<section_source*>(obj);
    if (i >= self->count) {
      *err = DW_DLE_MDE;
      return DW_DLV_NO_ENTRY;
    }
    const section& s = self->secs[i];
    out->addr = s.addr;
    out->type = s.type;
    out->size = s.size;
    out->name = s.name.c_str();
    out->link = s.link;
    out->info = s.info;
    out->entrysize = s.entsize;
    return DW_DLV_OK;
  }
  static Dwarf_Endianness byte_order(void*) { return DW_OBJECT_LSB; }
  static Dwarf_Small length_size(void*) { return 4; }
  static Dwarf_Small pointer_size(void*) { return 8; }
  static Dwarf_Unsigned section_count(void* obj) {
    return static_cast<section_source*>(obj)->count;
  }
  static int load_section(void* obj, Dwarf_Half i, Dwarf_Small** out, int* err) {
    auto* self = static_cast<section_source*>(obj);
    if (i >= self->count || self->secs[i].raw.empty()) {
      *err = DW_DLE_MDE;
      return DW_DLV_NO_ENTRY;
    }
    if (!self->load(i)) {
      *err = DW_DLE_ZLIB_UNCOMPRESS_ERROR;
      return DW_DLV_ERROR;
    }
    // libdwarf only reads section data, though its interface is not const.
    *out = const_cast<Dwarf_Small*>(self->data(i));
    return DW_DLV_OK;
  }
};

debug::debug(Dwarf_Debug d, std::shared_ptr<section_source> src) : dbg_(d), src_(std::move(src)) {}
debug::debug(debug&& o) noexcept : dbg_(std::exchange(o.dbg_, nullptr)), src_(std::move(o.src_)) {}

namespace {

// The file's sections for libdwarf, the prefetch started unless frames_only; nullptr when the
// file has none of the sections wanted.
std::shared_ptr<section_source> open_sections(const std::string& path, bool frames_only) {
  auto src = std::make_shared<section_source>();
  {
    // A file that cannot be opened is an error; one that opens but is no ELF has no DWARF.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno("open {}", path);
    ::close(fd);
  }
  try {
    src->file = elf_file::open(path);
  } catch (const error&) {
    return nullptr;
  }
  src->index();
  src->methods.get_section_info = section_source::get_section_info;
  src->methods.get_byte_order = section_source::byte_order;
  src->methods.get_length_size = section_source::length_size;
  src->methods.get_pointer_size = section_source::pointer_size;
  src->methods.get_section_count = section_source::section_count;
  src->methods.load_section = section_source::load_section;
  src->methods.relocate_a_section = nullptr;
  src->iface.object = src.get();
  src->iface.methods = &src->methods;
  bool any_dwarf = false;
  for (std::size_t i = 0; i < src->count; ++i) {
    const auto& name = src->secs[i].name;
    if (name == ".debug_info" || (frames_only && (name == ".eh_frame" || name == ".debug_frame")))
      any_dwarf = true;
  }
  if (!any_dwarf) return nullptr;
  if (!frames_only) src->start_prefetch();
  return src;
}

}  // namespace

std::shared_ptr<section_source> prefetch_sections(const std::string& path) {
  return open_sections(path, false);
}

std::optional<debug> debug::open(const std::string& path, bool frames_only,
                                 std::shared_ptr<section_source> ready) {
  auto src = ready ? std::move(ready) : open_sections(path, frames_only);
  if (!src) return std::nullopt;
  Dwarf_Debug dbg = nullptr;
  Dwarf_Error e = nullptr;
  int r = dwarf_object_init_b(&src->iface, nullptr, nullptr, DW_GROUPNUMBER_ANY, &dbg, &e);
  if (r == DW_DLV_OK) return debug(dbg, std::move(src));
  // An init-time error has no Dwarf_Debug to own it; libdwarf accepts a null dbg here. A file
  // libdwarf rejects outright has no usable DWARF either: the ELF layer reports what is wrong
  // with the file itself.
  if (e) dwarf_dealloc_error(nullptr, e);
  return std::nullopt;
}

debug::~debug() {
  if (dbg_) {
    Dwarf_Error e = nullptr;
    dwarf_object_finish(dbg_, &e);
  }
}

die die_at(Dwarf_Debug dbg, std::uint64_t offset) {
  err_slot err(dbg);
  Dwarf_Die d = nullptr;
  if (dwarf_offdie_b(dbg, offset, true, &d, err.p()) != DW_DLV_OK) return die();
  return die(d);
}

die first_child(Dwarf_Debug dbg, const die& parent) {
  err_slot err(dbg);
  Dwarf_Die d = nullptr;
  if (!parent || dwarf_child(parent.get(), &d, err.p()) != DW_DLV_OK) return die();
  return die(d);
}

die next_sibling(Dwarf_Debug dbg, const die& cur) {
  err_slot err(dbg);
  Dwarf_Die d = nullptr;
  if (!cur || dwarf_siblingof_b(dbg, cur.get(), true, &d, err.p()) != DW_DLV_OK) return die();
  return die(d);
}

int tag_of(Dwarf_Debug dbg, const die& d) {
  err_slot err(dbg);
  Dwarf_Half t = 0;
  if (!d || dwarf_tag(d.get(), &t, err.p()) != DW_DLV_OK) return 0;
  return t;
}

std::uint64_t offset_of(Dwarf_Debug dbg, const die& d) {
  err_slot err(dbg);
  Dwarf_Off off = 0;
  if (!d || dwarf_dieoffset(d.get(), &off, err.p()) != DW_DLV_OK) return 0;
  return off;
}

std::string name_of(Dwarf_Debug dbg, const die& d) {
  err_slot err(dbg);
  char* name = nullptr;
  if (!d || dwarf_diename(d.get(), &name, err.p()) != DW_DLV_OK || !name) return {};
  return name;  // points into the string section: not ours to free
}

namespace {

// An owned Dwarf_Attribute.
class attr_handle {
 public:
  attr_handle(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
    err_slot err(dbg);
    if (d && dwarf_attr(d.get(), at, &a_, err.p()) != DW_DLV_OK) a_ = nullptr;
  }
  ~attr_handle() {
    if (a_) dwarf_dealloc_attribute(a_);
  }
  attr_handle(const attr_handle&) = delete;
  attr_handle& operator=(const attr_handle&) = delete;
  Dwarf_Attribute get() const { return a_; }

 private:
  Dwarf_Attribute a_ = nullptr;
};

}  // namespace

bool has_attr(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  err_slot err(dbg);
  Dwarf_Bool b = false;
  if (!d || dwarf_hasattr(d.get(), at, &b, err.p()) != DW_DLV_OK) return false;
  return b;
}

std::optional<std::string> attr_string(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  attr_handle a(dbg, d, at);
  if (!a.get()) return std::nullopt;
  err_slot err(dbg);
  char* s = nullptr;
  if (dwarf_formstring(a.get(), &s, err.p()) != DW_DLV_OK || !s) return std::nullopt;
  return std::string(s);
}

std::optional<std::uint64_t> attr_udata(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  attr_handle a(dbg, d, at);
  if (!a.get()) return std::nullopt;
  err_slot err(dbg);
  Dwarf_Unsigned u = 0;
  if (dwarf_formudata(a.get(), &u, err.p()) == DW_DLV_OK) return u;
  Dwarf_Signed s = 0;
  if (dwarf_formsdata(a.get(), &s, err.p()) == DW_DLV_OK) return std::uint64_t(s);
  // Go writes DW_AT_go_runtime_type (an offset, not an address) with DW_FORM_addr.
  Dwarf_Addr addr = 0;
  if (dwarf_formaddr(a.get(), &addr, err.p()) == DW_DLV_OK) return addr;
  return std::nullopt;
}

std::optional<std::int64_t> attr_sdata(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  attr_handle a(dbg, d, at);
  if (!a.get()) return std::nullopt;
  err_slot err(dbg);
  Dwarf_Half form = 0;
  dwarf_whatform(a.get(), &form, err.p());
  Dwarf_Signed s = 0;
  if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
    if (dwarf_formsdata(a.get(), &s, err.p()) == DW_DLV_OK) return s;
  }
  Dwarf_Unsigned u = 0;
  if (dwarf_formudata(a.get(), &u, err.p()) == DW_DLV_OK) return std::int64_t(u);
  if (dwarf_formsdata(a.get(), &s, err.p()) == DW_DLV_OK) return s;
  return std::nullopt;
}

std::optional<std::uint64_t> attr_ref(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  attr_handle a(dbg, d, at);
  if (!a.get()) return std::nullopt;
  err_slot err(dbg);
  Dwarf_Off off = 0;
  if (dwarf_global_formref(a.get(), &off, err.p()) != DW_DLV_OK) return std::nullopt;
  return off;
}

bool attr_flag(Dwarf_Debug dbg, const die& d, Dwarf_Half at) {
  attr_handle a(dbg, d, at);
  if (!a.get()) return false;
  err_slot err(dbg);
  Dwarf_Bool b = false;
  if (dwarf_formflag(a.get(), &b, err.p()) != DW_DLV_OK) return false;
  return b;
}

std::optional<std::uint64_t> low_pc(Dwarf_Debug dbg, const die& d) {
  err_slot err(dbg);
  Dwarf_Addr lo = 0;
  if (!d || dwarf_lowpc(d.get(), &lo, err.p()) != DW_DLV_OK) return std::nullopt;
  return lo;
}

namespace {

std::vector<pc_range> ranges_v4(Dwarf_Debug dbg, const die& d, Dwarf_Off off, std::uint64_t base) {
  std::vector<pc_range> out;
  err_slot err(dbg);
  Dwarf_Ranges* buf = nullptr;
  Dwarf_Signed n = 0;
  Dwarf_Unsigned bytes = 0;
  Dwarf_Off real = 0;
  if (dwarf_get_ranges_b(dbg, off, d.get(), &real, &buf, &n, &bytes, err.p()) != DW_DLV_OK)
    return out;
  for (Dwarf_Signed i = 0; i < n; ++i) {
    const Dwarf_Ranges& r = buf[i];
    if (r.dwr_type == DW_RANGES_END) break;
    if (r.dwr_type == DW_RANGES_ADDRESS_SELECTION) {
      base = r.dwr_addr2;
      continue;
    }
    if (r.dwr_addr2 > r.dwr_addr1) out.push_back({base + r.dwr_addr1, base + r.dwr_addr2});
  }
  dwarf_ranges_dealloc(dbg, buf, n);
  return out;
}

std::vector<pc_range> ranges_v5(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Half form,
                                Dwarf_Unsigned val) {
  std::vector<pc_range> out;
  err_slot err(dbg);
  Dwarf_Rnglists_Head head = nullptr;
  Dwarf_Unsigned count = 0, global = 0;
  if (dwarf_rnglists_get_rle_head(a, form, val, &head, &count, &global, err.p()) != DW_DLV_OK)
    return out;
  for (Dwarf_Unsigned i = 0; i < count; ++i) {
    unsigned len = 0, code = 0;
    Dwarf_Unsigned raw1 = 0, raw2 = 0, lo = 0, hi = 0;
    Dwarf_Bool unavailable = false;
    if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2, &unavailable, &lo,
                                          &hi, err.p()) != DW_DLV_OK)
      break;
    if (code == DW_RLE_end_of_list) break;
    if (code == DW_RLE_base_address || code == DW_RLE_base_addressx || unavailable) continue;
    if (hi > lo) out.push_back({lo, hi});
  }
  dwarf_dealloc_rnglists_head(head);
  return out;
}

}  // namespace

std::vector<pc_range> pc_ranges(Dwarf_Debug dbg, const die& d, std::uint64_t cu_base) {
  if (!d) return {};
  err_slot err(dbg);
  if (auto lo = low_pc(dbg, d)) {
    Dwarf_Addr hi = 0;
    Dwarf_Half form = 0;
    Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
    if (dwarf_highpc_b(d.get(), &hi, &form, &cls, err.p()) == DW_DLV_OK) {
      if (cls == DW_FORM_CLASS_CONSTANT) hi += *lo;
      if (hi > *lo) return {{*lo, hi}};
      return {};
    }
  }
  attr_handle a(dbg, d, DW_AT_ranges);
  if (!a.get()) return {};
  Dwarf_Half form = 0;
  if (dwarf_whatform(a.get(), &form, err.p()) != DW_DLV_OK) return {};
  Dwarf_Unsigned val = 0;
  if (form == DW_FORM_rnglistx) {
    if (dwarf_formudata(a.get(), &val, err.p()) != DW_DLV_OK) return {};
  } else {
    Dwarf_Off off = 0;
    if (dwarf_global_formref(a.get(), &off, err.p()) != DW_DLV_OK &&
        dwarf_formudata(a.get(), &off, err.p()) != DW_DLV_OK)
      return {};
    val = off;
  }
  Dwarf_Half ver = 0, offsz = 0;
  if (dwarf_get_version_of_die(d.get(), &ver, &offsz) != DW_DLV_OK) ver = 4;
  if (ver >= 5) return ranges_v5(dbg, a.get(), form, val);
  return ranges_v4(dbg, d, val, cu_base);
}

}  // namespace godbg::dw
