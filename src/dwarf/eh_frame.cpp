#include "dwarf/eh_frame.hpp"

#include "dwarf/dwarf_impl.hpp"

namespace godbg {

struct eh_frame::impl {
  explicit impl(dw::debug d) : dbg(std::move(d)) {}
  dw::debug dbg;
  frame_index fdes;  // declared after dbg: freed before the Dwarf_Debug it belongs to
};

eh_frame::eh_frame(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
eh_frame::~eh_frame() = default;

std::unique_ptr<eh_frame> eh_frame::open(const std::string& path) {
  auto d = dw::debug::open(path, true);
  if (!d) return nullptr;
  auto i = std::make_unique<impl>(std::move(*d));
  auto& f = i->fdes;
  f.dbg = i->dbg.get();
  dw::err_slot err(f.dbg);
  if (dwarf_get_fde_list_eh(f.dbg, &f.cies, &f.cie_count, &f.fdes, &f.fde_count, err.p()) !=
      DW_DLV_OK) {
    f.cies = nullptr;
    f.fdes = nullptr;
    f.cie_count = f.fde_count = 0;
    return nullptr;
  }
  return std::unique_ptr<eh_frame>(new eh_frame(std::move(i)));
}

std::optional<cfa_rule> eh_frame::cfa_at(file_addr pc) const {
  // A broken row is treated as no row: the unwinder falls back to frame pointers.
  return dw::cfa_rule_at(impl_->fdes.dbg, impl_->fdes.fdes, pc.value(), [](std::string) {});
}

}  // namespace godbg
