// godbg dap against dlv dap on the same binaries, over TCP as editors connect:
//   1. launch: from the launch request to the stopped event at a breakpoint (the launch,
//      initialized, the breakpoint set, configurationDone, the run to it);
//   2. inspect: a stackTrace + scopes + variables round trip at that stop, as an editor does
//      on every stop (the median of ROUNDS), and the first of them alone (where godbg opens
//      DWARF, which Delve read during the launch).
// usage: node bench/dap_bench.js GODBG DLV OUT.json WORKLOAD... where WORKLOAD is
//   NAME:PROGRAM:file=PATH:LINE  or  NAME:PROGRAM:func=NAME
'use strict';
const cp = require('child_process');
const fs = require('fs');
const net = require('net');

const [godbg, dlv, outFile, ...workloads] = process.argv.slice(2);
const REPS = Number(process.env.REPS || 5);
const ROUNDS = Number(process.env.ROUNDS || 20);
// Milliseconds between the stop and the first round trip: a stand-in for a program that runs
// that long before its first stop (what godbg's DWARF prefetch can use), 0 by default.
const FIRST_DELAY_MS = Number(process.env.FIRST_DELAY_MS || 0);

class Client {
  constructor(sock) {
    this.sock = sock;
    this.seq = 1;
    this.waiters = [];
    this.seen = [];
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const n = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, head).toString())[1]);
        if (buf.length < head + 4 + n) return;
        const msg = JSON.parse(buf.slice(head + 4, head + 4 + n).toString());
        buf = buf.slice(head + 4 + n);
        this.seen.push(msg);
        this.poke();
      }
    });
  }
  poke() {
    for (const w of [...this.waiters]) {
      const i = this.seen.findIndex(w.pred);
      if (i >= 0) {
        const [m] = this.seen.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }
  wait(pred, timeout = 120000) {
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      this.waiters.push(w);
      setTimeout(() => reject(new Error('timed out')), timeout).unref();
      this.poke();
    });
  }
  async request(command, args = {}) {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.sock.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const r = await this.wait((m) => m.type === 'response' && m.request_seq === seq);
    if (!r.success) throw new Error(`${command}: ${r.message}`);
    return r;
  }
  event(name) {
    return this.wait((m) => m.type === 'event' && m.event === name);
  }
}

async function adapter(tool) {
  const exe = tool === 'godbg' ? godbg : dlv;
  const child = cp.spawn(exe, ['dap', '--listen=127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise((resolve, reject) => {
    let s = '';
    child.stdout.on('data', (d) => {
      s += d;
      const m = /listening at: .*:(\d+)/.exec(s);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`${tool} ended: ${s}`)));
  });
  const sock = net.createConnection(port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  return { child, client: new Client(sock), sock };
}

const ms = ([s, ns]) => s * 1e3 + ns / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function session(tool, w) {
  const { child, client, sock } = await adapter(tool);
  await client.request('initialize', { adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const t0 = process.hrtime();
  const initialized = client.event('initialized');
  await client.request('launch', { mode: 'exec', program: w.program });
  await initialized;
  if (w.file) await client.request('setBreakpoints', { source: { path: w.file }, breakpoints: [{ line: w.line }] });
  else await client.request('setFunctionBreakpoints', { breakpoints: [{ name: w.func }] });
  const stopped = client.event('stopped');
  await client.request('configurationDone');
  const ev = await stopped;
  const launch = ms(process.hrtime(t0));
  if (FIRST_DELAY_MS) await new Promise((r) => setTimeout(r, FIRST_DELAY_MS));
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime();
    const st = await client.request('stackTrace', { threadId: ev.body.threadId, startFrame: 0, levels: 20 });
    const sc = await client.request('scopes', { frameId: st.body.stackFrames[0].id });
    await client.request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
    rounds.push(ms(process.hrtime(t)));
  }
  await client.request('disconnect', { terminateDebuggee: true }).catch(() => {});
  sock.destroy();
  await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
  if (process.env.SHOW_ROUNDS) console.error(tool, rounds.map((x) => x.toFixed(2)).join(" "));
  return { launch, first: rounds[0], inspect: median(rounds) };
}

(async () => {
  const results = [];
  for (const spec of workloads) {
    const name = spec.slice(0, spec.indexOf(':'));
    const at = Math.max(spec.indexOf(':file='), spec.indexOf(':func='));
    const w = { name, program: spec.slice(name.length + 1, at) };
    const where = spec.slice(at + 1);
    if (where.startsWith('file=')) {
      const i = where.lastIndexOf(':');
      w.file = where.slice(5, i);
      w.line = Number(where.slice(i + 1));
    } else {
      w.func = where.slice(5);
    }
    for (const tool of ['godbg', 'dlv']) {
      const runs = [];
      for (let r = 0; r < REPS; r++) {
        const one = await session(tool, w);
        runs.push(one);
        console.error(`[${name}] ${tool} rep ${r + 1}: launch-to-stop ${one.launch.toFixed(1)} ms, round trip ${one.inspect.toFixed(2)} ms`);
      }
      results.push({
        workload: name, tool, launch: median(runs.map((x) => x.launch)),
        first: median(runs.map((x) => x.first)), inspect: median(runs.map((x) => x.inspect)), runs,
      });
    }
  }
  fs.writeFileSync(outFile, JSON.stringify(results, null, 1));
  const row = (w, k) => {
    const g = results.find((x) => x.workload === w && x.tool === 'godbg')[k];
    const d = results.find((x) => x.workload === w && x.tool === 'dlv')[k];
    return `${g.toFixed(k === 'inspect' ? 2 : 1)} ms | ${d.toFixed(k === 'inspect' ? 2 : 1)} ms | ${(g / d).toFixed(3)}`;
  };
  console.log('| workload | measure | godbg dap | dlv dap | godbg/dlv |\n|---|---|---|---|---|');
  for (const w of [...new Set(results.map((x) => x.workload))]) {
    console.log(`| ${w} | launch request to stopped at the breakpoint | ${row(w, 'launch')} |`);
    console.log(`| ${w} | stackTrace + scopes + variables at the stop (median of ${ROUNDS}) | ${row(w, 'inspect')} |`);
    console.log(`| ${w} | the first such round trip after the stop | ${row(w, 'first')} |`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
