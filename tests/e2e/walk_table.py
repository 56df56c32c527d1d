"""The walks of e2e.step_delve: (name, fixture, commands). See step_walks.py for @markers.

BETTER: walks where godbg's answer differs from Delve's on purpose, each with how many leading
outcomes still agree with Delve's and a check of what godbg does instead:
- across a panic Delve stops in a deferred function only when it finds it in the frame's _defer
  records (never for open-coded defers, so in optimized builds it lets the program run on), and
  it attributes the caller's defer to a frame stopped on its func line; godbg stops at the call
  the runtime makes to the first deferred function that runs for this frame or a caller;
- leaving a deferred function that a panic called, Delve stops inside runtime.gopanic; godbg goes
  on to the next deferred call or, after a recover, to the recovering frame.
"""

N = ["next"]
S = ["step"]

WALKS = [
    ("loop-next", "walks", ["break main.loop", "continue"] + N * 14 + ["stepout"]),
    ("caller-step", "walks", ["break main.caller", "continue"] + S * 3 + ["stepout"] + N + S * 2 +
     ["stepout", "stepout"] + N + S * 4),
    ("fact-recursion", "walks", ["break main.fact", "continue", "clear 1"] + N * 2 + S + N * 2 +
     ["stepout", "stepout", "next", "next"]),
    ("fact-breakpoint-kept", "walks", ["break main.fact", "continue"] + N * 3 + ["continue"] + N * 2),
    ("inlined-next", "walks", ["break main.inlined", "continue"] + N * 5),
    ("inlined-step", "walks", ["break main.inlined", "continue"] + S * 8),
    ("inlined-stepout", "walks", ["break @add:body", "continue", "stepout", "next", "next"]),
    ("deferred-next", "walks", ["break main.deferred", "continue"] + N * 5),
    ("deferred-step", "walks", ["break main.deferred", "continue"] + S * 6),
    ("defer-two-step", "walks", ["break main.deferTwo", "continue"] + S * 8),
    ("defer-stepout", "walks", ["break @deferred:closure", "continue", "stepout", "next", "next"]),
    ("panic-next", "walks", ["break main.panicky", "continue"] + N * 6),
    ("panic-step", "walks", ["break @panicky:panics", "continue"] + S * 4),
    ("panic-over-call", "walks", ["break main.rescue", "continue"] + N * 6),
    ("panic-stepout", "walks", ["break main.panicky", "continue", "stepout", "next", "next", "next"]),
    ("recover-stepout", "walks", ["break @rescue:recover", "continue", "next", "next", "stepout", "next"]),
    ("closures-step", "walks", ["break main.closures", "continue"] + S * 8),
    ("method-value-step", "walks", ["break main.methodValue", "continue"] + S * 5),
    ("interfaces-step", "walks", ["break main.interfaces", "continue"] + S * 10),
    ("generics-step", "walks", ["break main.generics", "continue"] + S * 6 + ["stepout"] + N * 2 + S * 3 +
     ["stepout"] + N + S * 2),
    ("generics-next", "walks", ["break main.maxOf", "continue"] + N * 8),
    ("concurrent-next", "walks", ["break main.worker", "continue", "clear 1"] + N * 8),
    ("range-next", "iters", ["break main.rangeSum", "continue"] + N * 14),
    ("range-step", "iters", ["break main.rangeSum", "continue"] + S * 14),
    ("range-early", "iters", ["break main.rangeEarly", "continue"] + N * 12),
    ("range-nested", "iters", ["break main.rangeNested", "continue"] + N * 16),
    ("range-return", "iters", ["break main.rangeReturn", "continue"] + N * 8),
    ("range-stepout", "iters", ["break @rangeSum:body", "continue", "stepout", "next", "next"]),
    ("range-yield-stepout", "iters", ["break @count:yield", "continue", "step", "stepout", "next"]),
    ("pull-next", "iters", ["break main.pull", "continue"] + N * 10),
    ("pull-step", "iters", ["break main.pull", "continue"] + S * 12),
]

WALKS += [
    ("pull-step-into", "iters", ["break @pull:next", "continue", "clear 1"] + S * 12),
    ("pull-next-over", "iters", ["break @pull:next", "continue", "clear 1"] + N * 8),
]

WALKS += [
    ("go-statement-step", "walks", ["break @concurrent:go", "continue", "clear 1"] + S * 4),
]


def _fn(o):
    return o[3] if o and o[0] == "stop" else None


def _then(outcomes, start, first, then):
    """outcomes[start] is in `first`, and the first later stop elsewhere is in `then`."""
    if len(outcomes) <= start or _fn(outcomes[start]) != first:
        return False
    rest = [o for o in outcomes[start:] if _fn(o) != first]
    return not rest or _fn(rest[0]) == then


BETTER = {
    "panic-next": (3, lambda g: _then(g, 3, "main.panicky.func1", "main.rescue.func1")),
    "panic-step": (1, lambda g: _then(g, 1, "main.panicky.func1", "main.rescue.func1")),
    "panic-over-call": (3, lambda g: _fn(g[3] if len(g) > 3 else None) == "main.rescue.func1"),
    "panic-stepout": (1, lambda g: _then(g, 1, "main.panicky.func1", "main.rescue.func1")),
    "recover-stepout": (3, lambda g: len(g) > 3 and _fn(g[3]) == "main.rescue"
                        and not any(o[0] == "stop" and o[1] == "panic.go" for o in g)),
}


# Walks whose end races with the program's: once the stepped worker has run its deferred
# wg.Done, main's wg.Wait returns and the program may exit while the walk's goroutine is still
# on its way out (into runtime.goexit), under godbg and Delve alike. Past the first N outcomes,
# either walk may end with the program's exit early; the outcomes both have must agree.
RACY_END = {"concurrent-next": 6}


def agree_racy_end(got, want, n):
    """got and want agree on their common length (at least n), and the shorter one ended with
    the program's exit."""
    short, long = (got, want) if len(got) <= len(want) else (want, got)
    if not short or short[-1][0] != "exit" or len(short) - 1 < n:
        return got == want
    return long[:len(short) - 1] == short[:-1]
