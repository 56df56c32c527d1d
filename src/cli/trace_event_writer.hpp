#pragma once
// The startup timeline as a Trace Event Format file (the JSON object form: {"traceEvents":
// [...]}), which Perfetto (ui.perfetto.dev) and chrome://tracing open: one track per thread
// (tid), named by thread_name metadata; a complete event ("X") for each stage whose end is known
// (a function's entry to its return, or a phase to the next phase), an instant event ("i")
// for the others and for each thread's birth.
#include <nlohmann/json.hpp>
#include <string>

#include "debugger/startup/startup_report.hpp"

namespace godbg {

nlohmann::json startup_trace_events(const startup_result& r);
// Writes the file; throws godbg::error naming the path and the reason when it cannot.
void write_startup_trace(const std::string& path, const startup_result& r);

}  // namespace godbg
