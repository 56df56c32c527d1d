// The rest of what editors ask: disassembly and memory views, the list of sources, completion
// in the debug console, and godbg's own startup report.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands/commands.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "dap/console.hpp"
#include "dap/server.hpp"
#include "debugger/eval/expression_names.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg::dap {

namespace {

std::uint64_t address_of(const json& a, const char* key) {
  std::string ref = a.at(key);
  auto v = try_parse_integer<std::uint64_t>(ref);
  if (!v) throw request_error(std::string(key) + ": not an address: " + ref);
  return *v;
}

std::string base64(const std::vector<std::uint8_t>& b) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 3) {
    std::uint32_t n = std::uint32_t(b[i]) << 16;
    if (i + 1 < b.size()) n |= std::uint32_t(b[i + 1]) << 8;
    if (i + 2 < b.size()) n |= b[i + 2];
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += i + 1 < b.size() ? abc[(n >> 6) & 63] : '=';
    out += i + 2 < b.size() ? abc[n & 63] : '=';
  }
  return out;
}

}  // namespace

void server::disassemble(const json& a, json& body) {
  std::uint64_t at =
      address_of(a, "memoryReference") + std::uint64_t(a.value("offset", std::int64_t(0)));
  std::int64_t first = a.value("instructionOffset", std::int64_t(0));
  std::int64_t count = a.at("instructionCount").get<std::int64_t>();
  if (count < 0 || count > 100000)
    throw request_error("disassemble: instructionCount out of range");
  // Whole functions decoded by `disassemble` (x86 cannot be decoded backwards): the one holding
  // the address, then its neighbours until the window is covered.
  std::vector<instruction_record> insns;
  auto decode = [&](std::uint64_t addr) {
    memory_text text;
    console_reporter out(text.file());
    interpreter in(s_, out);
    try {
      in.execute(fmt::format("disassemble *{:#x}", addr), std::nullopt);
    } catch (const std::exception&) {
    }
    return out.instructions;
  };
  insns = decode(at);
  auto index_of = [&](std::uint64_t addr) -> std::int64_t {
    for (std::size_t i = 0; i < insns.size(); ++i)
      if (insns[i].address >= addr) return std::int64_t(i);
    return std::int64_t(insns.size());
  };
  for (int grow = 0; grow < 8 && !insns.empty() && index_of(at) + first < 0; ++grow) {
    auto before = decode(insns.front().address - 1);
    if (before.empty() || before.back().address >= insns.front().address) break;
    insns.insert(insns.begin(), before.begin(), before.end());
  }
  for (int grow = 0;
       grow < 8 && !insns.empty() && index_of(at) + first + count > std::int64_t(insns.size());
       ++grow) {
    auto& last = insns.back();
    auto after = decode(last.address + last.bytes.size() / 2);
    if (after.empty() || after.front().address <= last.address) break;
    insns.insert(insns.end(), after.begin(), after.end());
  }
  json list = json::array();
  std::int64_t base = index_of(at) + first;
  std::string last_file;
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t k = base + i;
    if (k < 0 || k >= std::int64_t(insns.size())) {
      // DAP wants exactly instructionCount entries: unknown ones are marked invalid.
      std::uint64_t addr = k < 0 ? at - std::uint64_t(-k) : at + std::uint64_t(k);
      list.push_back({{"address", fmt::format("{:#x}", addr)},
                      {"instruction", "(no code)"},
                      {"presentationHint", "invalid"}});
      continue;
    }
    const auto& ins = insns[std::size_t(k)];
    json j = {{"address", fmt::format("{:#x}", ins.address)},
              {"instructionBytes", ins.bytes},
              {"instruction", ins.text}};
    auto where = s_.describe(ins.address);
    if (where.function) j["symbol"] = *where.function;
    if (where.file && where.line) {
      if (*where.file != last_file)
        j["location"] = {{"name", std::filesystem::path(*where.file).filename()},
                         {"path", *where.file}};
      last_file = *where.file;
      j["line"] = *where.line - (lines_start_at1_ ? 0 : 1);
    }
    list.push_back(j);
  }
  body = {{"instructions", list}};
}

void server::read_memory(const json& a, json& body) {
  std::uint64_t at =
      address_of(a, "memoryReference") + std::uint64_t(a.value("offset", std::int64_t(0)));
  std::int64_t count = a.at("count").get<std::int64_t>();
  if (count < 0) throw request_error("readMemory: negative count");
  std::size_t n = std::size_t(std::min<std::int64_t>(count, 1 << 20));
  std::vector<std::uint8_t> bytes(n);
  // Readable bytes up to the first unreadable one (halving finds the edge of the mapping).
  std::size_t got = n;
  while (got && !s_.program().read(virt_addr(at), std::span(bytes.data(), got))) got /= 2;
  bytes.resize(got);
  body = {{"address", fmt::format("{:#x}", at)}, {"data", base64(bytes)}};
  if (got < std::size_t(count)) body["unreadableBytes"] = std::size_t(count) - got;
}

void server::loaded_sources(const json&, json& body) {
  std::vector<std::string> files;
  if (auto* pcln = s_.bin().pclntab())
    files = pcln->files();
  else if (auto* dw = s_.bin().dwarf())
    files = dw->files();
  json list = json::array();
  for (const auto& f : files) {
    if (f.empty() || f[0] != '/') continue;  // <autogenerated> and the like
    list.push_back({{"name", std::filesystem::path(f).filename()}, {"path", f}});
  }
  body = {{"sources", list}};
}

void server::completions(const json& a, json& body) {
  std::string text = a.at("text");
  std::size_t column =
      std::size_t(std::max<std::int64_t>(a.value("column", std::int64_t(text.size() + 1)), 0));
  std::size_t cursor =
      std::min(text.size(), columns_start_at1_ ? (column ? column - 1 : 0) : column);
  std::size_t begin = cursor;
  auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
           c == '$';
  };
  while (begin > 0 && word_char(text[begin - 1])) --begin;
  std::string prefix = text.substr(begin, cursor - begin);
  bool first_word = text.find_first_not_of(' ') >= begin;
  json targets = json::array();
  std::set<std::string> seen;
  auto add = [&](const std::string& label, const char* type) {
    if (label.rfind(prefix, 0) != 0 || !seen.insert(label).second || targets.size() >= 200) return;
    targets.push_back({{"label", label},
                       {"type", type},
                       {"start", begin + (columns_start_at1_ ? 1 : 0)},
                       {"length", prefix.size()}});
  };
  if (first_word)
    for (const auto& c : command_table()) add(std::string(c.name), "keyword");
  if (s_.has_program() && !s_.running() && !stepping_) {
    try {
      for (const auto& n : expression_names(s_, prefix)) add(n, "variable");
    } catch (const std::exception&) {
    }
  }
  body = {{"targets", targets}};
}

void server::source(const json& a, json& body) {
  std::string path;
  if (a.contains("source") && a["source"].is_object()) path = a["source"].value("path", "");
  if (path.empty())
    throw request_error("source: godbg gives no sourceReference; open the file by its path");
  std::ifstream in(path);
  if (!in) throw request_error("source: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  body = {{"content", ss.str()}};
}

namespace {

json stage_json(const stage_value& v) {
  const auto& raw = v.raw();
  if (auto* b = std::get_if<bool>(&raw)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&raw)) return *i;
  if (auto* u = std::get_if<std::uint64_t>(&raw)) return *u;
  if (auto* s = std::get_if<std::string>(&raw)) return *s;
  if (auto* l = std::get_if<stage_value::list>(&raw)) {
    json a = json::array();
    for (const auto& e : *l) a.push_back(stage_json(e));
    return a;
  }
  return nullptr;
}

}  // namespace

void server::startup_report(const json&, json& body) {
  if (!s_.has_process()) throw request_error("godbg.startup: the program is not running");
  if (s_.running() || stepping_)
    throw request_error("godbg.startup: the program is running; pause it first");
  memory_text text;
  console_reporter out(text.file());
  interpreter in(s_, out);
  in.execute("startup", std::nullopt);  // its errors become the error response
  // The stages as the CLI's --json startup record has them (CONTRACT.md).
  json stages = json::array();
  auto opt = [](const auto& o) { return o ? json(*o) : json(nullptr); };
  if (out.report)
    for (const auto& st : out.report->stages) {
      json values = json::object();
      for (const auto& [k, v] : st.values) values[k] = stage_json(v);
      json j = {{"stage", st.stage}, {"t_us", st.t_us},      {"dur_us", opt(st.dur_us)},
                {"tid", st.tid},     {"goid", opt(st.goid)}, {"summary", st.summary},
                {"values", values}};
      if (st.stage == "init") {
        j["package"] = opt(st.package);
        j["bytes"] = opt(st.bytes);
        j["allocs"] = opt(st.allocs);
      }
      stages.push_back(std::move(j));
    }
  body = {{"startup", stages}, {"text", text.take()}};
  if (out.report) {
    body["clock"] = out.report->clock;
    if (out.report->init_summary) body["init_summary"] = *out.report->init_summary;
  }
  if (out.moved) {
    auto moved = *out.moved;
    after_response_ = [this, moved] { on_result(moved); };
  }
}

}  // namespace godbg::dap
