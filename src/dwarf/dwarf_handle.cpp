#include "dwarf/dwarf_handle.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"

namespace godbg::dw {

void err_slot::clear() {
  if (e_) dwarf_dealloc_error(dbg_, e_);
  e_ = nullptr;
}

std::string err_slot::message() const {
  return e_ ? std::string(dwarf_errmsg(e_)) : std::string("no error detail");
}

std::optional<debug> debug::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open {}", path);
  Dwarf_Debug dbg = nullptr;
  Dwarf_Error e = nullptr;
  int r = dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, nullptr, nullptr, &dbg, &e);
  if (r == DW_DLV_OK) return debug(dbg, fd);
  // An init-time error has no Dwarf_Debug to own it; libdwarf accepts a null dbg here. A file
  // libdwarf rejects outright (not ELF, truncated headers) has no usable DWARF either: the ELF
  // layer reports what is wrong with the file itself.
  if (e) dwarf_dealloc_error(nullptr, e);
  ::close(fd);
  (void)r;
  return std::nullopt;
}

debug::~debug() {
  if (dbg_) {
    Dwarf_Error e = nullptr;
    dwarf_finish(dbg_, &e);
  }
  if (fd_ >= 0) ::close(fd_);
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
