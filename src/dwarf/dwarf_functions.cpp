// Functions: per-CU lists of concrete subprograms (for pc lookups), a by-name index over all
// CUs built on the first by-name query, and the inlined-call chain at a pc.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "dwarf/dwarf_impl.hpp"

namespace godbg {

namespace {

bool is_type_tag(int tag) {
  switch (tag) {
    case DW_TAG_base_type:
    case DW_TAG_structure_type:
    case DW_TAG_typedef:
    case DW_TAG_pointer_type:
    case DW_TAG_array_type:
    case DW_TAG_subroutine_type:
    case DW_TAG_unspecified_type:
    case DW_TAG_interface_type:
      return true;
    default:
      return false;
  }
}

constexpr int max_inline_depth = 64;
constexpr Dwarf_Half dw_at_go_runtime_type = 0x2904;

}  // namespace

std::string dwarf_info::impl::subprogram_name(const dw::die& d) {
  std::string name = dw::name_of(this->d(), d);
  if (!name.empty()) return name;
  // A concrete copy of an inlinable function names itself only through its abstract origin.
  std::uint64_t off = dw::offset_of(this->d(), d);
  for (int hop = 0; hop < 4; ++hop) {
    dw::die cur = dw::die_at(this->d(), off);
    if (!cur) break;
    auto ref = dw::attr_ref(this->d(), cur, DW_AT_abstract_origin);
    if (!ref) ref = dw::attr_ref(this->d(), cur, DW_AT_specification);
    if (!ref || *ref == off) break;
    dw::die origin = dw::die_at(this->d(), *ref);
    name = dw::name_of(this->d(), origin);
    if (!name.empty()) return name;
    off = *ref;
  }
  return {};
}

const cu_scan& dwarf_info::impl::scan_of(std::size_t cu) {
  load_cus();
  if (scans[cu]) return *scans[cu];
  auto scan = std::make_unique<cu_scan>();
  dw::die cu_die = dw::die_at(d(), cus[cu].die_offset);
  if (!cu_die) warn(fmt::format("CU {:#x}: cannot read its DIE", cus[cu].die_offset));
  dw::for_each_child(d(), cu_die, [&](const dw::die& c) {
    int tag = dw::tag_of(d(), c);
    if (tag == DW_TAG_subprogram) {
      auto ranges = dw::pc_ranges(d(), c, cus[cu].base);
      if (ranges.empty()) return true;  // abstract (inlined-only) or declaration
      std::uint64_t lo = ranges.front().low, hi = ranges.front().high;
      for (const auto& r : ranges) lo = std::min(lo, r.low), hi = std::max(hi, r.high);
      scan->functions.push_back(
          {subprogram_name(c), file_addr(lo), file_addr(hi), dw::offset_of(d(), c)});
    } else if (tag == DW_TAG_variable || tag == DW_TAG_constant) {
      std::string name = dw::name_of(d(), c);
      if (!name.empty()) scan->variables.emplace_back(std::move(name), dw::offset_of(d(), c));
    } else if (is_type_tag(tag)) {
      // Go's DW_AT_go_runtime_type: where the type's runtime descriptor (what an interface
      // value points at) is, as an offset from runtime.types; how a dynamic type is found.
      if (auto rt = dw::attr_udata(d(), c, dw_at_go_runtime_type))
        scan->runtime_types.emplace_back(*rt, dw::offset_of(d(), c));
      std::string name = dw::name_of(d(), c);
      if (name.empty()) return true;
      auto& into = tag == DW_TAG_typedef ? scan->typedefs : scan->types;
      into.emplace_back(std::move(name), dw::offset_of(d(), c));
    }
    return true;
  });
  std::sort(scan->functions.begin(), scan->functions.end(),
            [](const dwarf_function& a, const dwarf_function& b) { return a.low < b.low; });
  scans[cu] = std::move(scan);
  return *scans[cu];
}

void dwarf_info::impl::merge_names(std::size_t cu) {
  load_cus();
  if (names.merged.size() != cus.size()) names.merged.assign(cus.size(), false);
  if (names.merged[cu]) return;
  names.merged[cu] = true;
  const cu_scan& s = scan_of(cu);
  for (const auto& f : s.functions) names.functions.try_emplace(f.name, f);
  for (const auto& [n, off] : s.variables) names.variables.try_emplace(n, off);
  for (const auto& [n, off] : s.types) names.types.try_emplace(n, off);
  for (const auto& [n, off] : s.typedefs) names.typedefs.try_emplace(n, off);
  for (const auto& [a, off] : s.runtime_types) names.runtime_types.try_emplace(a, off);
}

void dwarf_info::impl::merge_all_names() {
  if (names.complete) return;
  load_cus();
  for (std::size_t cu = 0; cu < cus.size(); ++cu) merge_names(cu);
  for (std::size_t cu = 0; cu < cus.size(); ++cu) {
    const auto& fns = scans[cu]->functions;
    names.all_functions.insert(names.all_functions.end(), fns.begin(), fns.end());
  }
  std::sort(names.all_functions.begin(), names.all_functions.end(),
            [](const dwarf_function& a, const dwarf_function& b) { return a.low < b.low; });
  names.complete = true;
}

std::vector<std::size_t> dwarf_info::impl::ordered(std::vector<std::size_t> list,
                                                   bool least_code_first) const {
  if (!least_code_first) return list;
  auto code = [&](std::size_t cu) {
    std::uint64_t n = 0;
    for (const auto& r : cus[cu].ranges) n += r.high - r.low;
    return n;
  };
  std::stable_sort(list.begin(), list.end(),
                   [&](std::size_t a, std::size_t b) { return code(a) < code(b); });
  return list;
}

// The package of a Go symbol ("cmd/go/internal/work.(*Builder).Do" -> "cmd/go/internal/work"),
// which is the name of the CU that defines it.
std::string_view package_of(std::string_view sym) {
  std::size_t stop = sym.find_first_of("([");
  std::string_view head = sym.substr(0, stop);
  std::size_t slash = head.rfind('/');
  std::size_t dot = sym.find('.', slash == std::string_view::npos ? 0 : slash);
  return dot == std::string_view::npos ? std::string_view{} : sym.substr(0, dot);
}

std::optional<dwarf_function> dwarf_info::function_at(file_addr pc) const {
  auto cu = impl_->cu_for_pc(pc.value());
  if (!cu) return std::nullopt;
  const auto& fns = impl_->scan_of(*cu).functions;
  auto it = std::upper_bound(fns.begin(), fns.end(), pc,
                             [](file_addr v, const dwarf_function& f) { return v < f.low; });
  if (it == fns.begin()) return std::nullopt;
  --it;
  if (pc >= it->high) return std::nullopt;
  return *it;
}

std::optional<dwarf_function> dwarf_info::function_by_name(std::string_view name) const {
  constexpr std::string_view abi0 = ".abi0";
  std::string plain(name.ends_with(abi0) ? name.substr(0, name.size() - abi0.size()) : name);
  std::string with_abi0 = plain + std::string(abi0);
  auto& names = impl_->names;
  std::optional<dwarf_function> out;
  impl_->search_names(package_of(plain), [&] {
    auto it = names.functions.find(plain);
    if (it == names.functions.end()) it = names.functions.find(with_abi0);
    if (it == names.functions.end()) return false;
    out = it->second;
    return true;
  });
  return out;
}

std::vector<dwarf_function> dwarf_info::functions() const {
  impl_->merge_all_names();
  return impl_->names.all_functions;
}

std::vector<file_addr> dwarf_info::inlined_copies(std::string_view name) const {
  std::vector<file_addr> out;
  impl_->load_cus();
  Dwarf_Debug dbg = impl_->d();
  for (std::size_t cu = 0; cu < impl_->cus.size(); ++cu) {
    std::uint64_t base = impl_->cus[cu].base;
    std::function<void(const dw::die&, int)> walk = [&](const dw::die& parent, int depth) {
      if (depth >= max_inline_depth) return;
      dw::for_each_child(dbg, parent, [&](const dw::die& c) {
        int tag = dw::tag_of(dbg, c);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block) return true;
        if (tag == DW_TAG_inlined_subroutine && impl_->subprogram_name(c) == name) {
          auto ranges = dw::pc_ranges(dbg, c, base);
          if (!ranges.empty()) {
            std::uint64_t lo = ranges.front().low;
            for (const auto& r : ranges) lo = std::min(lo, r.low);
            out.push_back(file_addr(lo));
          }
        }
        walk(c, depth + 1);
        return true;
      });
    };
    for (const auto& f : impl_->scan_of(cu).functions)
      if (dw::die d = dw::die_at(dbg, f.die_offset)) walk(d, 0);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<dwarf_inline_call> dwarf_info::inlined_at(file_addr pc) const {
  std::vector<dwarf_inline_call> chain;  // outermost first while collecting
  auto fn = function_at(pc);
  if (!fn) return chain;
  auto cu = impl_->cu_for_pc(pc.value());
  Dwarf_Debug dbg = impl_->d();
  std::uint64_t base = impl_->cus[*cu].base;
  dw::die cur = dw::die_at(dbg, fn->die_offset);
  for (int depth = 0; cur && depth < max_inline_depth; ++depth) {
    dw::die next;
    dw::for_each_child(dbg, cur, [&](const dw::die& c) {
      int tag = dw::tag_of(dbg, c);
      if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block) return true;
      auto ranges = dw::pc_ranges(dbg, c, base);
      bool hit = std::any_of(ranges.begin(), ranges.end(),
                             [&](const dw::pc_range& r) { return r.contains(pc.value()); });
      if (!hit) return true;
      if (tag == DW_TAG_inlined_subroutine) {
        dwarf_inline_call call;
        call.function = impl_->subprogram_name(c);
        call.call_file = impl_->file_of(*cu, dw::attr_udata(dbg, c, DW_AT_call_file).value_or(0));
        call.call_line = int(dw::attr_udata(dbg, c, DW_AT_call_line).value_or(0));
        chain.push_back(std::move(call));
      }
      next = dw::die_at(dbg, dw::offset_of(dbg, c));
      return false;
    });
    cur = std::move(next);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

}  // namespace godbg
