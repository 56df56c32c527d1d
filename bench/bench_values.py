"""Row F of bench.py (issue 21): values at a stop, godbg vs Delve. demos/values run as `values
bench` stops in main.hundred, a frame of 100 variables; its package holds a 1,000,000-element
slice (main.Huge) and a 100,000-entry map (main.MHuge). Each command runs K times between two
marker lines, under each tool's default limits (64 elements, 64 string bytes), and the time per
command is the phase divided by K, K calibrated per tool as in row E.
"""
import re

MARK_CMD = "print 987654321987"
CASES = (
    # id, what, godbg command, Delve command, what each answer must show
    ("G1", "`locals` of a frame with 100 variables", "frame 1 locals", "frame 1 locals",
     rb"\bb98 = "),
    ("G2", "`print` of a 1,000,000-element slice", "print main.Huge", "print main.Huge",
     rb"\[\]int len: 1000000, cap: 1000000"),
    ("G3", "`print` of a 100,000-entry map", "print main.MHuge", "print main.MHuge",
     rb"\.\.\.\+99936 more"),
)


def row_g(b, prog, med):
    """Adds rows G1-G3 to the Bench b; prog: demos/values built by bench/run.sh."""
    k0 = max(10, b.a.k // 4)
    for rid, what, gcmd, dcmd, pat in CASES:
        def make(t, k, gcmd=gcmd, dcmd=dcmd, rid=rid):
            cmd = gcmd if t == "godbg" else dcmd
            # One warm-up command first: DWARF and type loading is paid there, not in K.
            cmds = ["break main.stop", "continue", cmd, MARK_CMD] + [cmd] * k + [MARK_CMD]
            if t == "godbg":
                cmds.append("kill")
            return b.launch(t, prog, ["bench"], cmds, f"{rid}.k{k}")

        def check(t, r, k, pat=pat):
            n = len(re.findall(pat, r.out))
            if n < k:
                err = r.err.decode("utf-8", "replace").strip().splitlines()
                return f"expected {k}+ answers, saw {n}" + (f" ({err[-1][:160]})" if err else "")
            return None

        values, samples, ks = {}, {}, {}
        for t in ("godbg", "dlv"):
            k = k0
            for _ in range(4):  # calibration: a phase of about half a second
                good = b.measure(rid, [t], lambda t, k=k: make(t, k),
                                 lambda t, r, k=k: check(t, r, k), b.a.timeout, reps=1,
                                 phase=(0, 1), label="calibrate")
                if not good[t]:
                    break
                ph = good[t][0].phase
                if ph >= 0.25 or k >= 50 * k0:
                    break
                k = min(50 * k0, int(k * (0.5 / ph if ph > 0.005 else 50)))
            if (rid, t) in b.skip:
                continue
            good = b.measure(rid, [t], lambda t, k=k: make(t, k),
                             lambda t, r, k=k: check(t, r, k), b.a.timeout, phase=(0, 1))
            if good[t]:
                values[t] = med([r.phase for r in good[t]]) / k * 1e3
                samples[t] = {"k": k, "phase_s": [r.phase for r in good[t]]}
                ks[t] = k
        b.add_row(rid, what, "ms", values, samples,
                  "K commands between two markers, divided; K = " +
                  ", ".join(f"{t} {k}" for t, k in ks.items()))


def targets(v, check):
    for rid, what, *_ in CASES:
        f = v.get(rid, {})
        check(f"{rid} ({what}) faster than Delve", f.get("godbg"), f.get("dlv"), "Delve")
