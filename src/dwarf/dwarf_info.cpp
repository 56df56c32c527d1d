// dwarf_info: opening, the CU index, and the small public queries. The bigger parts live in
// dwarf_lines.cpp, dwarf_functions.cpp, dwarf_cfa.cpp, dwarf_type_reader.cpp (types and struct
// layouts) and dwarf_variables.cpp.
#include "dwarf/dwarf_info.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dwarf/dwarf_impl.hpp"
#include "dwarf/dwarf_variables.hpp"

namespace godbg {

namespace {
constexpr std::size_t max_warnings = 200;  // a badly corrupt file must not grow this forever
}

dwarf_info::impl::impl(dw::debug d, std::string p) : dbg(std::move(d)), path(std::move(p)) {}
dwarf_info::impl::~impl() = default;

void dwarf_info::impl::warn(std::string msg) {
  if (warnings.size() < max_warnings)
    warnings.push_back(std::move(msg));
  else if (warnings.size() == max_warnings)
    warnings.push_back("too many DWARF warnings; further ones dropped");
}

void dwarf_info::impl::load_cus() {
  if (cus_loaded) return;
  cus_loaded = true;
  for (;;) {
    dw::err_slot err(d());
    Dwarf_Unsigned header_len = 0, abbrev_off = 0, next_off = 0, type_off = 0;
    Dwarf_Half version = 0, addr_size = 0, len_size = 0, ext_size = 0, unit_type = 0;
    Dwarf_Sig8 sig{};
    int r =
        dwarf_next_cu_header_d(d(), true, &header_len, &version, &abbrev_off, &addr_size, &len_size,
                               &ext_size, &sig, &type_off, &next_off, &unit_type, err.p());
    if (r == DW_DLV_NO_ENTRY) break;
    if (r == DW_DLV_ERROR) {
      warn(fmt::format("{}: reading CU header #{}: {}", path, cus.size(), err.message()));
      break;  // libdwarf cannot resume past a bad header
    }
    Dwarf_Die raw = nullptr;
    if (dwarf_siblingof_b(d(), nullptr, true, &raw, err.p()) != DW_DLV_OK) {
      warn(fmt::format("{}: CU #{} has no readable CU DIE: {}", path, cus.size(), err.message()));
      continue;
    }
    dw::die cu(raw);
    cu_entry e;
    e.die_offset = dw::offset_of(d(), cu);
    e.version = version;
    e.name = dw::name_of(d(), cu);
    e.base = dw::low_pc(d(), cu).value_or(0);
    e.ranges = dw::pc_ranges(d(), cu, e.base);
    for (const auto& rg : e.ranges) cu_spans.push_back({rg.low, rg.high, cus.size()});
    cus_by_name[e.name].push_back(cus.size());
    cus.push_back(std::move(e));
  }
  std::sort(cu_spans.begin(), cu_spans.end(),
            [](const cu_span& a, const cu_span& b) { return a.low < b.low; });
  lines.resize(cus.size());
  scans.resize(cus.size());
}

std::optional<std::size_t> dwarf_info::impl::cu_for_pc(std::uint64_t pc) {
  load_cus();
  auto it = std::upper_bound(cu_spans.begin(), cu_spans.end(), pc,
                             [](std::uint64_t v, const cu_span& s) { return v < s.low; });
  // Spans do not overlap in Go binaries, but a corrupt file may nest them: look back a little.
  for (int i = 0; i < 4 && it != cu_spans.begin(); ++i) {
    --it;
    if (pc >= it->low && pc < it->high) return it->cu;
  }
  return std::nullopt;
}

std::optional<std::size_t> dwarf_info::impl::cu_for_die(std::uint64_t off) {
  load_cus();
  auto it = std::upper_bound(cus.begin(), cus.end(), off,
                             [](std::uint64_t v, const cu_entry& c) { return v < c.die_offset; });
  if (it == cus.begin()) return std::nullopt;
  return std::size_t(it - cus.begin() - 1);
}

// --- public side

dwarf_info::dwarf_info(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
dwarf_info::~dwarf_info() = default;

std::unique_ptr<dwarf_info> dwarf_info::open(const std::string& path,
                                             std::shared_ptr<dw::section_source> ready) {
  auto dbg = dw::debug::open(path, false, std::move(ready));
  if (!dbg) return nullptr;
  return std::unique_ptr<dwarf_info>(new dwarf_info(std::make_unique<impl>(std::move(*dbg), path)));
}

const std::string& dwarf_info::path() const {
  return impl_->path;
}

int dwarf_info::version() const {
  impl_->load_cus();
  return impl_->cus.empty() ? 0 : impl_->cus.front().version;
}

std::string dwarf_info::producer() const {
  impl_->load_cus();
  if (impl_->cus.empty()) return {};
  dw::die cu = dw::die_at(impl_->d(), impl_->cus.front().die_offset);
  return dw::attr_string(impl_->d(), cu, DW_AT_producer).value_or("");
}

const std::vector<std::string>& dwarf_info::warnings() const {
  return impl_->warnings;
}

std::optional<cfa_rule> dwarf_info::cfa_at(file_addr pc) const {
  return impl_->cfa_at(pc.value());
}

const go_type* dwarf_info::type_by_name(std::string_view name) const {
  return impl_->type_named(name);
}

const go_type* dwarf_info::type_by_descriptor(std::uint64_t offset) const {
  return impl_->type_of_descriptor(offset);
}

const go_type* dwarf_info::type_at(std::uint64_t die_offset) const {
  return impl_->type_at(die_offset);
}

}  // namespace godbg
