#!/usr/bin/env python3
"""Draws a Trace Event Format file (as `godbg startup --trace` writes it) as an SVG timeline:
one track per thread, a bar per complete event ("X"), a tick per instant event ("i").
Usage: trace_to_svg.py TRACE.json OUT.svg"""
import html
import json
import sys

src, out = sys.argv[1], sys.argv[2]
data = json.load(open(src))
events = data["traceEvents"] if isinstance(data, dict) else data
names = {e["tid"]: e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
spans = [e for e in events if e.get("ph") in ("X", "i", "I")]
tids = sorted({e["tid"] for e in spans} | set(names), key=lambda t: (t != min(names or [t]), t))
end = max((e["ts"] + e.get("dur", 0) for e in spans), default=1) or 1
left, width, row, top = 230, 900, 34, 30
scale = width / end
h = top + row * len(tids) + 40
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{h}" '
       f'font-family="monospace" font-size="11">',
       f'<rect width="100%" height="100%" fill="white"/>',
       f'<text x="10" y="18" font-size="13">godbg startup: {html.escape(names and next(iter(names.values())) or "")} '
       f'(time since exec, {end/1000:.1f} ms)</text>']
for i, tid in enumerate(tids):
    y = top + i * row
    svg.append(f'<text x="10" y="{y + 20}">{html.escape(names.get(tid, str(tid)))}</text>')
    svg.append(f'<line x1="{left}" y1="{y + row - 2}" x2="{left + width}" y2="{y + row - 2}" stroke="#ddd"/>')
    for e in (e for e in spans if e["tid"] == tid):
        x = left + e["ts"] * scale
        label = html.escape(e.get("name", ""))
        if e["ph"] == "X":
            w = max(2, e.get("dur", 0) * scale)
            svg.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row - 12}" fill="#6a9fd8" '
                       f'stroke="#2a5f98"><title>{label}</title></rect>')
        else:
            svg.append(f'<line x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + row - 6}" stroke="#c0392b" stroke-width="2"/>')
        svg.append(f'<text x="{x + 2:.1f}" y="{y + row - 14}" font-size="9" transform="rotate(-20 {x + 2:.1f} {y + row - 14})">{label}</text>')
for k in range(0, 11):
    x = left + width * k / 10
    svg.append(f'<text x="{x:.0f}" y="{h - 12}" font-size="9">{end * k / 10000:.1f}ms</text>')
svg.append("</svg>")
open(out, "w").write("\n".join(svg))
