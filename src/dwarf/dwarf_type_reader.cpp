// Reads Go types from DWARF into go_type, cached by DIE offset. Go's own attributes (DW_AT_go_kind,
// DW_AT_go_elem, DW_AT_go_key) say what a DIE means where plain DWARF cannot: slices, strings
// and interfaces are structs, maps and channels typedefs of pointers.
#include <fmt/format.h>

#include "dwarf/dwarf_impl.hpp"

namespace godbg {

namespace {

// Go's DWARF extensions (DW_AT_go_kind, DW_AT_go_elem, ...) come from dwarf.h; these two not.
constexpr Dwarf_Half DW_AT_go_dict_index = 0x2906;

// reflect.Kind values.
enum : int {
  k_bool = 1,
  k_int = 2,
  k_int64 = 6,
  k_uint = 7,
  k_uintptr = 12,
  k_float32 = 13,
  k_float64 = 14,
  k_complex64 = 15,
  k_complex128 = 16,
  k_array = 17,
  k_chan = 18,
  k_func = 19,
  k_interface = 20,
  k_map = 21,
  k_pointer = 22,
  k_slice = 23,
  k_string = 24,
  k_struct = 25,
  k_unsafe_pointer = 26,
};

}  // namespace

go_kind go_kind_of_reflect(int k) {
  if (k == k_bool) return go_kind::boolean;
  if (k >= k_int && k <= k_int64) return go_kind::int_;
  if (k >= k_uint && k <= k_uintptr) return go_kind::uint_;
  if (k == k_float32 || k == k_float64) return go_kind::float_;
  if (k == k_complex64 || k == k_complex128) return go_kind::complex_;
  switch (k) {
    case k_array:
      return go_kind::array;
    case k_chan:
      return go_kind::chan;
    case k_func:
      return go_kind::func;
    case k_interface:
      return go_kind::interface;
    case k_map:
      return go_kind::map;
    case k_pointer:
    case k_unsafe_pointer:
      return go_kind::pointer;
    case k_slice:
      return go_kind::slice;
    case k_string:
      return go_kind::string;
    case k_struct:
      return go_kind::struct_;
    default:
      return go_kind::invalid;
  }
}

bool pointer_shaped(const go_type& t) {
  if (t.size != 8) return false;
  switch (t.kind) {
    case go_kind::pointer:
    case go_kind::map:
    case go_kind::chan:
    case go_kind::func:
      return true;
    case go_kind::struct_:
      for (const auto& f : t.fields)
        if (f.type && f.type->size == 8) return pointer_shaped(*f.type);
      return false;
    case go_kind::array:
      return t.length == 1 && t.elem && pointer_shaped(*t.elem);
    default:
      return false;
  }
}

namespace {

go_kind from_encoding(std::uint64_t enc) {
  switch (enc) {
    case DW_ATE_boolean:
      return go_kind::boolean;
    case DW_ATE_signed:
    case DW_ATE_signed_char:
      return go_kind::int_;
    case DW_ATE_unsigned:
    case DW_ATE_unsigned_char:
      return go_kind::uint_;
    case DW_ATE_float:
      return go_kind::float_;
    case DW_ATE_complex_float:
      return go_kind::complex_;
    default:
      return go_kind::invalid;
  }
}

constexpr int max_type_depth = 200;

}  // namespace

std::string_view kind_name(go_kind k) {
  switch (k) {
    case go_kind::invalid:
      return "invalid";
    case go_kind::boolean:
      return "bool";
    case go_kind::int_:
      return "int";
    case go_kind::uint_:
      return "uint";
    case go_kind::float_:
      return "float";
    case go_kind::complex_:
      return "complex";
    case go_kind::string:
      return "string";
    case go_kind::pointer:
      return "pointer";
    case go_kind::struct_:
      return "struct";
    case go_kind::array:
      return "array";
    case go_kind::slice:
      return "slice";
    case go_kind::map:
      return "map";
    case go_kind::chan:
      return "chan";
    case go_kind::func:
      return "func";
    case go_kind::interface:
      return "interface";
  }
  return "invalid";
}

namespace {

struct type_reader {
  dwarf_info::impl& in;
  int depth = 0;

  Dwarf_Debug d() const { return in.d(); }

  const go_type* ref(const dw::die& die, Dwarf_Half at) {
    auto off = dw::attr_ref(d(), die, at);
    if (!off) return nullptr;
    return read(*off);
  }

  const go_type* read(std::uint64_t off) {
    if (auto it = in.types.find(off); it != in.types.end()) return it->second.get();
    // The placeholder goes in first so recursive types (and cyclic corrupt DWARF) end here.
    auto& slot = in.types[off];
    slot = std::make_unique<go_type>();
    go_type* t = slot.get();
    t->die_offset = off;
    if (++depth > max_type_depth) {
      --depth;
      in.warn(fmt::format("type at {:#x}: nested too deep", off));
      return t;
    }
    fill(*t, off);
    --depth;
    return t;
  }

  void fill(go_type& t, std::uint64_t off) {
    dw::die die = dw::die_at(d(), off);
    if (!die) {
      in.warn(fmt::format("type at {:#x}: unreadable DIE", off));
      return;
    }
    int tag = dw::tag_of(d(), die);
    t.name = dw::name_of(d(), die);
    auto size = dw::attr_udata(d(), die, DW_AT_byte_size);
    auto gk = dw::attr_udata(d(), die, DW_AT_go_kind);
    go_kind kind = gk ? go_kind_of_reflect(int(*gk)) : go_kind::invalid;
    switch (tag) {
      case DW_TAG_base_type:
        t.kind = kind != go_kind::invalid
                     ? kind
                     : from_encoding(dw::attr_udata(d(), die, DW_AT_encoding).value_or(0));
        t.size = size.value_or(0);
        break;
      case DW_TAG_pointer_type:
        t.kind = go_kind::pointer;
        t.size = size.value_or(8);
        t.elem = ref(die, DW_AT_type);  // nullptr for unsafe.Pointer / void*
        break;
      case DW_TAG_subroutine_type:
        t.kind = go_kind::func;
        t.size = size.value_or(8);
        break;
      case DW_TAG_array_type:
        read_array(t, die, size);
        break;
      case DW_TAG_structure_type:
        read_struct(t, die, kind, size);
        break;
      case DW_TAG_typedef:
        read_typedef(t, die, kind);
        break;
      case DW_TAG_unspecified_type:
        t.kind = go_kind::invalid;
        t.size = size.value_or(0);
        break;
      default:
        in.warn(fmt::format("type at {:#x}: unexpected tag {:#x}", off, tag));
    }
  }

  void read_array(go_type& t, const dw::die& die, std::optional<std::uint64_t> size) {
    t.kind = go_kind::array;
    t.elem = ref(die, DW_AT_type);
    dw::for_each_child(d(), die, [&](const dw::die& c) {
      if (dw::tag_of(d(), c) != DW_TAG_subrange_type) return true;
      if (auto n = dw::attr_udata(d(), c, DW_AT_count))
        t.length = *n;
      else if (auto ub = dw::attr_sdata(d(), c, DW_AT_upper_bound))
        t.length = *ub >= 0 ? std::uint64_t(*ub) + 1 : 0;
      return false;
    });
    t.size = size.value_or(t.elem ? t.elem->size * t.length : 0);
  }

  void read_struct(go_type& t, const dw::die& die, go_kind kind,
                   std::optional<std::uint64_t> size) {
    t.kind = kind == go_kind::invalid ? go_kind::struct_ : kind;
    t.size = size.value_or(0);
    dw::for_each_child(d(), die, [&](const dw::die& c) {
      if (dw::tag_of(d(), c) != DW_TAG_member) return true;
      go_field f;
      f.name = dw::name_of(d(), c);
      f.offset = dw::attr_udata(d(), c, DW_AT_data_member_location).value_or(0);
      f.embedded = dw::attr_flag(d(), c, DW_AT_go_embedded_field);
      f.type = ref(c, DW_AT_type);
      t.fields.push_back(std::move(f));
      return true;
    });
    if (t.kind == go_kind::slice) {
      t.elem = ref(die, DW_AT_go_elem);
      if (!t.elem)
        if (const go_field* a = t.field("array"); a && a->type) t.elem = a->type->elem;
    }
    if (t.kind == go_kind::interface)  // Go 1.x emits the iface/eface struct itself sometimes
      t.empty_interface = !t.fields.empty() && t.fields.front().name == "_type";
  }

  // A named type is its underlying type under another name (and, for maps and channels, its Go
  // kind rather than the pointer it is built on). The copy is made again once the outermost read
  // ends, because a recursive type's target may still be half read when first copied.
  struct typedef_fixup {
    go_type* t;
    const go_type* target;
    go_kind kind;
    const go_type* key;
    const go_type* elem;
    std::optional<std::uint64_t> dict_index;
  };
  std::vector<typedef_fixup> fixups;

  void read_typedef(go_type& t, const dw::die& die, go_kind kind) {
    typedef_fixup fx{&t,      ref(die, DW_AT_type),
                     kind,    nullptr,
                     nullptr, dw::attr_udata(d(), die, DW_AT_go_dict_index)};
    if (kind == go_kind::map) fx.key = ref(die, DW_AT_go_key);
    if (kind == go_kind::map || kind == go_kind::chan) fx.elem = ref(die, DW_AT_go_elem);
    apply(fx);
    fixups.push_back(fx);
  }

  void apply(const typedef_fixup& fx) {
    go_type& t = *fx.t;
    if (fx.target && fx.target != &t) {
      std::string name = std::move(t.name);
      std::uint64_t off = t.die_offset;
      t = *fx.target;
      // A type parameter's .paramN keeps its shape's name (go.shape.int) until the dictionary
      // names the real type; the compiler's typedefs for a generic function's parameters
      // (".param0") otherwise name nothing the user wrote.
      if (!fx.dict_index && !name.starts_with('.')) t.name = std::move(name);
      t.die_offset = off;
    }
    t.dict_index = fx.dict_index;
    if (fx.kind != go_kind::invalid) t.kind = fx.kind;
    if (t.kind == go_kind::map) read_map(t, fx);
    if (t.kind == go_kind::chan) {
      t.elem = fx.elem;
      t.fields.clear();
      t.size = 8;
    }
    if (t.kind == go_kind::interface)
      t.empty_interface = !t.fields.empty() && t.fields.front().name == "_type";
    if (t.kind == go_kind::func) t.elem = nullptr;
  }

  void finish() {
    for (const auto& fx : fixups) apply(fx);
    fixups.clear();
  }

  void read_map(go_type& t, const typedef_fixup& fx) {
    t.key = fx.key;
    t.elem = fx.elem;
    t.fields.clear();
    t.size = 8;
    const go_type* header =
        fx.target && fx.target->kind == go_kind::pointer ? fx.target->elem : nullptr;
    t.map_header = header;
    if (!header || t.map_group) return;
    std::string_view hn = header->name;
    if (hn.starts_with("hash<")) {  // Go < 1.24: hmap + buckets
      t.map_group = in.type_named("bucket<" + std::string(hn.substr(5)));
    } else if (hn.starts_with("map<")) {  // Go >= 1.24: Swiss tables
      t.map_table = in.type_named("table<" + std::string(hn.substr(4)));
      if (t.map_table)
        if (const go_field* g = t.map_table->field("groups"); g && g->type)
          if (const go_field* data = g->type->field("data"); data && data->type)
            t.map_group = data->type->elem;
    }
  }
};

}  // namespace

const go_type* dwarf_info::impl::type_at(std::uint64_t off) {
  type_reader r{*this, 0, {}};
  const go_type* t = r.read(off);
  r.finish();
  return t;
}

const go_type* dwarf_info::impl::type_of_descriptor(std::uint64_t addr) {
  std::optional<std::uint64_t> off;
  search_names(
      "runtime",
      [&] {
        if (auto it = names.runtime_types.find(addr); it != names.runtime_types.end())
          off = it->second;
        return off.has_value();
      },
      true);
  return off ? type_at(*off) : nullptr;
}

const go_type* dwarf_info::impl::type_named(std::string_view name) {
  // Go's linker puts every type in the "runtime" CU.
  std::string key(name);
  std::optional<std::uint64_t> off;
  search_names(
      "runtime",
      [&] {
        if (auto it = names.types.find(key); it != names.types.end()) {
          off = it->second;
        } else if (auto td = names.typedefs.find(key); td != names.typedefs.end()) {
          off = td->second;
        }
        return off.has_value();
      },
      true);
  return off ? type_at(*off) : nullptr;
}

// Layout queries read the struct's DIE directly: building the go_type of runtime.g would pull
// in most of the runtime's type graph.
namespace {

std::optional<std::uint64_t> type_die_offset(dwarf_info::impl& in, std::string_view name) {
  std::string key(name);
  std::optional<std::uint64_t> off;
  in.search_names(
      "runtime",
      [&] {
        if (auto it = in.names.types.find(key); it != in.names.types.end()) {
          off = it->second;
        } else if (auto td = in.names.typedefs.find(key); td != in.names.typedefs.end()) {
          off = td->second;
        }
        return off.has_value();
      },
      true);
  // Named types are typedefs of their structure: follow them to the DIE with the members.
  for (int hop = 0; off && hop < 8; ++hop) {
    dw::die d = dw::die_at(in.d(), *off);
    if (dw::tag_of(in.d(), d) != DW_TAG_typedef) break;
    off = dw::attr_ref(in.d(), d, DW_AT_type);
  }
  return off;
}

}  // namespace

std::optional<std::uint64_t> dwarf_info::field_offset(std::string_view struct_name,
                                                      std::string_view field) const {
  auto off = type_die_offset(*impl_, struct_name);
  if (!off) return std::nullopt;
  Dwarf_Debug dbg = impl_->d();
  dw::die st = dw::die_at(dbg, *off);
  std::optional<std::uint64_t> out;
  dw::for_each_child(dbg, st, [&](const dw::die& c) {
    if (dw::tag_of(dbg, c) != DW_TAG_member || dw::name_of(dbg, c) != field) return true;
    out = dw::attr_udata(dbg, c, DW_AT_data_member_location);
    return false;
  });
  return out;
}

std::optional<std::uint64_t> dwarf_info::type_size(std::string_view type_name) const {
  auto off = type_die_offset(*impl_, type_name);
  if (!off) return std::nullopt;
  dw::die d = dw::die_at(impl_->d(), *off);
  if (auto sz = dw::attr_udata(impl_->d(), d, DW_AT_byte_size)) return sz;
  if (dw::tag_of(impl_->d(), d) == DW_TAG_pointer_type) return 8;
  return std::nullopt;
}

}  // namespace godbg
