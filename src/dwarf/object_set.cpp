#include "dwarf/object_set.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace godbg {

namespace {

loaded_object make_object(std::string path, load_bias bias, std::shared_ptr<const binary> bin,
                          bool is_main) {
  loaded_object o{std::move(path), bias, std::move(bin), is_main, {}};
  for (const auto& seg : o.bin->elf().load_segments())
    if (seg.memsz)
      o.ranges.emplace_back(bias.to_virt(seg.vaddr),
                            bias.to_virt(seg.vaddr + std::int64_t(seg.memsz)));
  return o;
}

}  // namespace

bool loaded_object::contains(virt_addr a) const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& r) { return a >= r.first && a < r.second; });
}

object_set::object_set(const binary& main, load_bias main_bias) {
  objects_.push_back(make_object(main.path(), main_bias,
                                 std::shared_ptr<const binary>(&main, [](const binary*) {}), true));
}

std::vector<std::string> object_set::set_libraries(const std::vector<library_ref>& libs) {
  std::vector<std::string> problems;
  std::vector<loaded_object> next;
  next.push_back(std::move(objects_.front()));
  for (const auto& lib : libs) {
    auto same = [&](const loaded_object& o) {
      return !o.is_main && o.path == lib.path && o.bias.value() == lib.bias.value();
    };
    if (auto it = std::find_if(objects_.begin() + 1, objects_.end(), same); it != objects_.end()) {
      next.push_back(std::move(*it));
      continue;
    }
    try {
      next.push_back(make_object(lib.path, lib.bias, binary::open_library(lib.path), false));
    } catch (const std::exception& e) {
      problems.emplace_back(e.what());
    }
  }
  objects_ = std::move(next);
  return problems;
}

const loaded_object* object_set::at(virt_addr a) const {
  for (const auto& o : objects_)
    if (o.contains(a)) return &o;
  return nullptr;
}

std::optional<object_set::found_function> object_set::function_by_name(
    std::string_view name) const {
  for (const auto& o : objects_)
    if (auto f = o.bin->function_by_name(name)) return found_function{&o, *f};
  return std::nullopt;
}

}  // namespace godbg
