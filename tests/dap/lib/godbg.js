// What the DAP tests share: where godbg and the demo are, the demo built for debugging by each
// Go toolchain, and a DebugClient that checks every message godbg sends against the protocol.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const { validate } = require('./schema');

const SRC = process.env.GODBG_SOURCE_DIR || path.resolve(__dirname, '..', '..', '..');
const GODBG = process.env.GODBG || path.join(SRC, 'build', 'godbg');
const DEMO_DIR = path.join(SRC, 'demos', 'dapdemo');
const DEMO_FILE = path.join(DEMO_DIR, 'main.go');
const GO_ENV = { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH}`, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };

// The line of the demo holding `text` (1-based), so the tests survive edits of the demo.
function lineOf(text, file = DEMO_FILE) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text} in ${file}`);
  return i + 1;
}

// The Go toolchains on the machine, as scripts/build_demos.sh finds them, plus the fetched
// Go 1.27 when it is there. GODBG_DAP_TOOLCHAINS=all tests on each; by default the newest.
function toolchains() {
  const found = [];
  const tryGo = (label, go, env) => {
    try {
      const v = cp.execFileSync(go, ['env', 'GOVERSION'], { env: { ...GO_ENV, ...env }, timeout: 60000 })
        .toString().trim();
      if (v && !found.some((t) => t.version === v)) found.push({ label, go, env, version: v });
    } catch {
      // not installed
    }
  };
  tryGo('newest', 'go', { GOTOOLCHAIN: 'local' });
  tryGo('debian', '/usr/lib/go-1.19/bin/go', { GOTOOLCHAIN: 'local' });
  tryGo('go1.27', 'go', { GOTOOLCHAIN: 'go1.27.3' });
  return found;
}

const built = new Map();
const VARIANT_FLAGS = { normal: [], pie: ['-buildmode=pie'], stripped: ['-ldflags=-s -w'] };
// The demo built as editors build it for debugging (no optimization, no inlining); variant
// 'pie' or 'stripped' (-s -w: no DWARF, no symbol table) as the e2e demos are built too.
function buildDemo(tc = toolchains()[0], variant = 'normal') {
  const key = `${tc.version}/${variant}`;
  if (built.has(key)) return built.get(key);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'godbg-dap-test-'));
  const out = path.join(dir, 'dapdemo');
  cp.execFileSync(tc.go, ['build', '-gcflags=all=-N -l', ...VARIANT_FLAGS[variant], '-o', out, '.'],
    { cwd: DEMO_DIR, env: { ...GO_ENV, ...tc.env }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300000 });
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  built.set(key, out);
  return out;
}

// Adapters started by the tests: none may outlive a test that failed half way.
const adapters = new Set();
function track(child) {
  adapters.add(child);
  child.on('exit', () => adapters.delete(child));
  return child;
}
function killAdapters() {
  for (const c of adapters) c.kill('SIGKILL');
  adapters.clear();
}

class CheckedClient extends DebugClient {
  constructor(...args) {
    super(...args);
    this.problems = [];
    this.messages = [];
    this.defaultTimeout = 20000;
  }
  dispatch(body) {
    let msg;
    try {
      msg = JSON.parse(body);
      validate(msg);
    } catch (e) {
      this.problems.push(e.message);
    }
    if (msg) this.messages.push(msg);
    super.dispatch(body);
  }
  // Every output event's text of a category so far.
  outputText(category) {
    return this.messages.filter((m) => m.type === 'event' && m.event === 'output' &&
      (!category || m.body.category === category)).map((m) => m.body.output).join('');
  }
  async waitOutput(text, category, timeout = 20000) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      if (this.outputText(category).includes(text)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no output ${JSON.stringify(text)} in ${JSON.stringify(this.outputText(category))}`);
  }
  // The pid of the program godbg started (its console line says).
  programPid() {
    const m = /Process (\d+) started/.exec(this.outputText('console'));
    return m ? Number(m[1]) : null;
  }
  async stop() {
    await super.stop();
    if (this.adapter) this.adapter.kill('SIGKILL');
  }
  assertValid() {
    assert.deepStrictEqual(this.problems, [], 'messages that do not match the protocol');
  }
}

// godbg dap on stdin/stdout.
// The end of a test's client, for afterEach: the adapter stopped, and every message it sent
// checked against the protocol's schema.
async function closeClient(dc) {
  if (!dc) return;
  await dc.stop();
  dc.assertValid();
}

async function stdioClient(opts = {}) {
  const dc = new CheckedClient(GODBG, 'dap', 'go', { env: process.env, ...opts }, !!process.env.GODBG_DAP_DEBUG);
  await dc.start();
  return dc;
}

// godbg dap --listen=ADDR (or other arguments) and a client connected to where it says.
async function listeningClient(args = ['--listen=127.0.0.1:0'], spawnOpts = {}) {
  const child = track(cp.spawn(GODBG, ['dap', ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...spawnOpts }));
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`godbg did not say where it listens: ${seen}`)), 20000);
    child.stdout.on('data', (d) => {
      seen += d;
      const m = /^DAP server listening at: (.*):(\d+)$/m.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[2]));
      }
    });
    child.on('exit', (code) => reject(new Error(`godbg exited (${code}) before listening: ${seen}`)));
  });
  const dc = new CheckedClient(GODBG, 'dap', 'go');
  await dc.start(port);
  dc.adapter = child;
  return dc;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function exited(child, timeout = 20000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('godbg did not end')), timeout);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid, timeout = 10000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function tracerOf(pid) {
  const m = /^TracerPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : -1;
}

// Thread and stack helpers.
async function topFrame(dc, threadId) {
  const st = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 20 });
  return st.body.stackFrames[0];
}

async function scopeVars(dc, frameId, name) {
  const sc = await dc.scopesRequest({ frameId });
  const s = sc.body.scopes.find((x) => x.name === name);
  assert.ok(s, `no scope ${name}`);
  const v = await dc.variablesRequest({ variablesReference: s.variablesReference });
  return v.body.variables;
}

function byName(vars, name) {
  const v = vars.find((x) => x.name === name);
  assert.ok(v, `no variable ${name} in ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

module.exports = {
  track, killAdapters, GODBG, SRC, DEMO_DIR, DEMO_FILE, lineOf, toolchains, buildDemo, CheckedClient, stdioClient, closeClient,
  listeningClient, freePort, exited, alive, gone, tracerOf, topFrame, scopeVars, byName,
};
