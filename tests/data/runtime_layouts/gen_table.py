#!/usr/bin/env python3
"""Prints the layout rows of src/debugger/runtime_layout_table.cpp from extract_layout.go output.

usage: gen_table.py DIR   (DIR holds one GOVERSION.json per toolchain, as many patch releases
as you like; consecutive releases of one minor with the same layout share a row)
"""
import json, os, re, sys

# C++ member <- JSON key
MEMBERS = [
    ('g_stack_lo', 'runtime.g.stack.lo'), ('g_stack_hi', 'runtime.g.stack.hi'),
    ('g_stackguard0', 'runtime.g.stackguard0'), ('g_panic', 'runtime.g._panic'),
    ('g_defer', 'runtime.g._defer'), ('g_m', 'runtime.g.m'), ('g_sched', 'runtime.g.sched'),
    ('g_syscallsp', 'runtime.g.syscallsp'), ('g_syscallpc', 'runtime.g.syscallpc'),
    ('g_syscallbp', 'runtime.g.syscallbp'), ('g_atomicstatus', 'runtime.g.atomicstatus'),
    ('g_goid', 'runtime.g.goid'), ('g_schedlink', 'runtime.g.schedlink'),
    ('g_waitsince', 'runtime.g.waitsince'), ('g_waitreason', 'runtime.g.waitreason'),
    ('g_lockedm', 'runtime.g.lockedm'), ('g_parentgoid', 'runtime.g.parentGoid'),
    ('g_gopc', 'runtime.g.gopc'), ('g_ancestors', 'runtime.g.ancestors'),
    ('g_startpc', 'runtime.g.startpc'), ('g_waiting', 'runtime.g.waiting'),
    ('g_labels', 'runtime.g.labels'), ('g_size', 'sizeof runtime.g'),
    ('gobuf_sp', 'runtime.gobuf.sp'), ('gobuf_pc', 'runtime.gobuf.pc'),
    ('gobuf_g', 'runtime.gobuf.g'), ('gobuf_ctxt', 'runtime.gobuf.ctxt'),
    ('gobuf_ret', 'runtime.gobuf.ret'), ('gobuf_lr', 'runtime.gobuf.lr'),
    ('gobuf_bp', 'runtime.gobuf.bp'), ('gobuf_size', 'sizeof runtime.gobuf'),
] + [('m_' + f.lower(), 'runtime.m.' + f) for f in
     ['g0', 'procid', 'gsignal', 'tls', 'curg', 'p', 'nextp', 'oldp', 'id', 'spinning', 'blocked',
      'alllink', 'schedlink', 'lockedg', 'vdsoSP', 'vdsoPC']] + [('m_size', 'sizeof runtime.m')] + [
    ('p_' + f, 'runtime.p.' + f) for f in
     ['id', 'status', 'link', 'm', 'runqhead', 'runqtail', 'runq', 'runnext']] + [
    ('p_size', 'sizeof runtime.p')] + [
    ('sched_' + f, 'runtime.schedt.' + f) for f in
     ['goidgen', 'nmidle', 'mnext', 'maxmcount', 'nmsys', 'pidle', 'npidle', 'nmspinning']] + [
    ('sched_size', 'sizeof runtime.schedt')]
OPTIONAL = {'g_syscallbp', 'g_parentgoid', 'gobuf_ret'}


def release(v):
    m = re.match(r'go1\.(\d+)(?:\.(\d+))?$', v)
    return int(m.group(1)), int(m.group(2) or 0)


def wrap(items, indent, out):
    line = indent
    for it in items:
        if len(line) + len(it) + 1 > 98:
            out.append(line.rstrip())
            line = indent
        line += it + ' '
    out.append(line.rstrip())


def main():
    d = sys.argv[1]
    data = {}
    for f in os.listdir(d):
        if f.endswith('.json'):
            j = json.load(open(os.path.join(d, f)))
            data[j['go_version']] = j
    rows = []  # [minor, first_patch, json, versions]
    for v in sorted(data, key=release):
        minor, patch = release(v)
        j = data[v]
        same = rows and rows[-1][0] == minor and all(
            rows[-1][2][k] == j[k] for k in ('offsets', 'ncpu_var', 'wait_reasons'))
        if same:
            rows[-1][3].append(v)
        else:
            rows.append([minor, patch, j, [v]])
    out = []
    names = {}
    for r in rows:
        t = tuple(r[2]['wait_reasons'])
        if t in names:
            continue
        names[t] = f'wait_reasons_1_{r[0]}_{r[1]}'
        out.append(f'constexpr std::string_view {names[t]}[] = {{')
        wrap([json.dumps(s) + ',' for s in t], '    ', out)
        out.append('};')
    out.append('')
    out.append('constexpr runtime_layout layouts[] = {')
    for minor, patch, j, vs in rows:
        out.append(f'    // {", ".join(vs)}')
        items = [f'{{.minor = {minor},', f'.first_patch = {patch},']
        for member, key in MEMBERS:
            if key in j['offsets']:
                items.append(f'.{member} = {j["offsets"][key]},')
            elif member in OPTIONAL:
                items.append(f'.{member} = std::nullopt,')
            else:
                sys.exit(f'{j["go_version"]}: no {key}')
        items.append(f'.ncpu_var = "{j["ncpu_var"]}",')
        items.append(f'.wait_reasons = {names[tuple(j["wait_reasons"])]}}},')
        wrap(items, '    ', out)
    out.append('};')
    print('\n'.join(out))


main()
