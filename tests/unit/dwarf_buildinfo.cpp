// read_build_info on the demos of every Go version and variant.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "demo_paths.hpp"
#include "dwarf/buildinfo.hpp"
#include "dwarf/elf_file.hpp"

using namespace godbg;

TEST_CASE("build info: the toolchain version on every variant") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : {"normal", "pie", "stripped"}) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto f = elf_file::open(test::demo(go, v, "hello"));
      auto bi = read_build_info(*f);
      REQUIRE(bi);
      CHECK(bi->go_version == go);
      CHECK(!bi->main_path.empty());
      auto has = [&](std::string_view key) {
        for (auto& [k, val] : bi->settings)
          if (k == key) return true;
        return false;
      };
      CHECK(has("-compiler"));
      CHECK(has("GOARCH"));
      for (auto& [k, val] : bi->settings)
        if (k == "GOARCH") CHECK(val == "amd64");
      if (std::string(v) == "pie")
        for (auto& [k, val] : bi->settings)
          if (k == "-buildmode") CHECK(val == "pie");
    }
  }
}

TEST_CASE("build info: found without section headers") {
  auto tmp = std::filesystem::temp_directory_path() / ("godbg_bi_" + std::to_string(::getpid()));
  for (const auto& go : test::go_versions()) {
    for (const char* v : {"normal", "pie", "stripped"}) {
      const std::string variant(v);
      CAPTURE(go);
      CAPTURE(variant);
      std::ifstream in(test::demo(go, v, "hello"), std::ios::binary);
      std::string bytes{std::istreambuf_iterator<char>(in), {}};
      std::fill(bytes.begin() + 0x28, bytes.begin() + 0x30, '\0');  // e_shoff
      std::fill(bytes.begin() + 0x3c, bytes.begin() + 0x40, '\0');  // e_shnum, e_shstrndx
      std::ofstream(tmp, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
      auto f = elf_file::open(tmp.string());
      auto bi = read_build_info(*f);
      REQUIRE(bi);
      CHECK(bi->go_version == go);
    }
  }
  std::filesystem::remove(tmp);
}

TEST_CASE("build info: module text parsing") {
  build_info bi;
  parse_module_info(
      "path\texample.com/cmd/x\n"
      "mod\texample.com\t(devel)\t\n"
      "dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n"
      "=>\t../sys\t(devel)\t\n"
      "build\t-ldflags=\"-s -w\"\n"
      "build\tCGO_ENABLED=0\n"
      "build\tbroken-without-equals\n",
      bi);
  CHECK(bi.main_path == "example.com/cmd/x");
  CHECK(bi.main_version == "(devel)");
  REQUIRE(bi.deps.size() == 1);
  CHECK(bi.deps[0].path == "../sys");
  REQUIRE(bi.settings.size() == 2);
  CHECK(bi.settings[0] == std::pair<std::string, std::string>("-ldflags", "-s -w"));
  CHECK(bi.settings[1] == std::pair<std::string, std::string>("CGO_ENABLED", "0"));
}

TEST_CASE("build info: a non-Go file has none; the go command has its own") {
  auto self = elf_file::open("/proc/self/exe");
  CHECK_FALSE(read_build_info(*self));
  if (std::filesystem::exists("/tmp/gocmd")) {
    auto f = elf_file::open("/tmp/gocmd");
    auto bi = read_build_info(*f);
    REQUIRE(bi);
    CHECK(bi->go_version.starts_with("go1."));
    CHECK(bi->main_path == "cmd/go");
  }
}
