// What a broken or hostile client sends: bad JSON, a wrong Content-Length, unknown requests,
// requests in the wrong state, arguments of the wrong type, and a client that vanishes while
// the program runs. godbg answers with an error response or ends cleanly, the program it
// launched killed and the one it attached to detached; it never hangs or crashes.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const net = require('net');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');
const { validate } = require('./lib/schema');

// A client that writes bytes as it likes and reads godbg's messages.
class RawClient {
  constructor(child, input, output) {
    this.child = child;
    this.input = input;
    this.messages = [];
    this.problems = [];
    this.seq = 1;
    let buf = Buffer.alloc(0);
    output.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) break;
        const m = /Content-Length: (\d+)/.exec(buf.slice(0, head).toString());
        const n = Number(m[1]);
        if (buf.length < head + 4 + n) break;
        const msg = JSON.parse(buf.slice(head + 4, head + 4 + n).toString());
        try {
          validate(msg);
        } catch (e) {
          this.problems.push(e.message);
        }
        this.messages.push(msg);
        buf = buf.slice(head + 4 + n);
      }
    });
  }
  static stdio(opts = {}) {
    const child = g.track(cp.spawn(g.GODBG, ['dap'], { stdio: ['pipe', 'pipe', 'ignore'], ...opts }));
    return new RawClient(child, child.stdin, child.stdout);
  }
  raw(bytes) {
    this.input.write(bytes);
  }
  frame(body) {
    this.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  request(command, args) {
    const seq = this.seq++;
    this.frame(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    return this.waitFor((m) => m.type === 'response' && m.request_seq === seq);
  }
  async waitFor(pred, timeout = 20000) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      const m = this.messages.find(pred);
      if (m) {
        this.messages.splice(this.messages.indexOf(m), 1);
        return m;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no such message');
  }
  event(name) {
    return this.waitFor((m) => m.type === 'event' && m.event === name);
  }
  async launchSpinner(program) {
    await this.request('initialize', { adapterID: 'go' });
    const r = await this.request('launch', { mode: 'exec', program, args: ['spin'] });
    assert.ok(r.success, r.message);
    await this.request('configurationDone', {});
    const out = await this.waitFor((m) => m.type === 'event' && m.event === 'output' && /Process (\d+) started/.test(m.body.output));
    return Number(/Process (\d+) started/.exec(out.body.output)[1]);
  }
}

describe('malformed input', () => {
  const program = g.buildDemo();
  afterEach(() => g.killAdapters());

  it('bad JSON, non-requests and unknown requests: the session goes on', async () => {
    const c = RawClient.stdio();
    c.frame('{"seq": 1, "type": "request", "command": ');
    const warned = await c.event('output');
    assert.strictEqual(warned.body.category, 'stderr');
    c.frame('[1, 2, 3]');
    c.frame('{"seq": 2, "type": "event", "event": "x"}');
    c.frame('{"seq": 3, "type": "request"}');
    const noCommand = await c.waitFor((m) => m.type === 'response' && m.request_seq === 3);
    assert.strictEqual(noCommand.success, false);
    const unknown = await c.request('frobnicate', {});
    assert.strictEqual(unknown.success, false);
    assert.match(unknown.message, /unsupported request: frobnicate/);
    c.frame('{"seq": "four", "type": "request", "command": "initialize", "arguments": 7}');
    const odd = await c.waitFor((m) => m.type === 'response' && m.command === 'initialize');
    assert.ok(odd.success, 'arguments that are no object count as none');
    const bye = await c.request('disconnect', {});
    assert.ok(bye.success);
    assert.strictEqual(await g.exited(c.child), 0);
    assert.deepStrictEqual(c.problems, []);
  });

  it('requests in the wrong state and arguments of the wrong type are error responses', async () => {
    const c = RawClient.stdio();
    for (const cmd of ['stackTrace', 'launch', 'threads']) {
      const r = await c.request(cmd, {});
      assert.strictEqual(r.success, false, cmd);
      assert.match(r.message, /initialize/);
    }
    await c.request('initialize', {});
    assert.strictEqual((await c.request('initialize', {})).success, false);
    for (const cmd of ['threads', 'configurationDone', 'continue', 'setBreakpoints', 'evaluate']) {
      const r = await c.request(cmd, {});
      assert.strictEqual(r.success, false, cmd);
      assert.match(r.message, /launch or attach first/);
    }
    assert.match((await c.request('launch', {})).message, /program/);
    assert.match((await c.request('launch', { program: 42 })).message, /program/);
    assert.match((await c.request('launch', { mode: 'exec', program, args: 'spin', env: [] })).message, /env/);
    const r = await c.request('launch', { mode: 'exec', program, args: ['spin'] });
    assert.ok(r.success);
    await c.request('configurationDone', {});
    // Running: what needs a stopped program says so; the rest works.
    for (const [cmd, args] of [['stackTrace', { threadId: 1 }], ['continue', {}], ['next', {}], ['variables', { variablesReference: 1 }]]) {
      const rr = await c.request(cmd, args);
      assert.strictEqual(rr.success, false, cmd);
      assert.match(rr.message, /running/);
    }
    assert.ok((await c.request('threads', {})).success);
    assert.strictEqual((await c.request('launch', { mode: 'exec', program })).success, false);
    const paused = c.event('stopped');
    await c.request('pause', {});
    await paused;
    for (const [cmd, args] of [
      ['setBreakpoints', { source: { path: g.DEMO_FILE }, breakpoints: [{ line: 'ten' }] }],
      ['setBreakpoints', { source: {} }],
      ['stackTrace', { threadId: 'one' }],
      ['stackTrace', { threadId: 987654321 }],
      ['scopes', { frameId: 12345 }],
      ['variables', { variablesReference: -3 }],
      ['evaluate', { expression: ')(', context: 'watch' }],
      ['readMemory', { memoryReference: 'nowhere', count: 4 }],
      ['disassemble', { memoryReference: '0x1', instructionCount: -5 }],
      ['setVariable', { variablesReference: 99, name: 'x', value: '1' }],
    ]) {
      const rr = await c.request(cmd, args);
      assert.strictEqual(rr.success, false, `${cmd} ${JSON.stringify(args)}`);
    }
    const mem = await c.request('readMemory', { memoryReference: '0x10', count: 16 });
    assert.ok(mem.success);
    assert.strictEqual(mem.body.unreadableBytes, 16);
    await c.request('disconnect', {});
    assert.strictEqual(await g.exited(c.child), 0);
    assert.deepStrictEqual(c.problems, []);
  });

  for (const [what, bytes] of [
    ['a Content-Length that is no number', 'Content-Length: lots\r\n\r\n{}'],
    ['a header without Content-Length', 'Content-Type: application/json\r\n\r\n{}'],
    ['a Content-Length of 100 GB', 'Content-Length: 100000000000\r\n\r\n{}'],
    ['a header that never ends', 'Content-Length: 2' + ' '.repeat(20000)],
  ]) {
    it(`${what} while the program runs: a clean end, the program killed`, async () => {
      const c = RawClient.stdio();
      const pid = await c.launchSpinner(program);
      assert.ok(g.alive(pid));
      c.raw(bytes);
      assert.strictEqual(await g.exited(c.child), 0);
      assert.ok(await g.gone(pid), 'the launched program was killed');
    });
  }

  it('the client vanishing mid-run (half a message, then EOF): the program killed', async () => {
    const c = RawClient.stdio();
    const pid = await c.launchSpinner(program);
    c.raw('Content-Length: 50\r\n\r\n{"seq": 9, "type": "requ');
    c.input.end();
    assert.strictEqual(await g.exited(c.child), 0);
    assert.ok(await g.gone(pid));
  });

  it('the client vanishing from --listen while an attached program runs: detached, alive', async () => {
    const spinner = cp.spawn(program, ['spin'], { stdio: 'ignore' });
    try {
      const child = g.track(cp.spawn(g.GODBG, ['dap', '--listen=127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] }));
      const port = await new Promise((resolve) => {
        let s = '';
        child.stdout.on('data', (d) => {
          s += d;
          const m = /:(\d+)\n/.exec(s);
          if (m) resolve(Number(m[1]));
        });
      });
      const sock = net.createConnection(port, '127.0.0.1');
      await new Promise((r) => sock.on('connect', r));
      const c = new RawClient(child, sock, sock);
      await new Promise((r) => setTimeout(r, 300));  // let the spinner get going
      await c.request('initialize', {});
      assert.ok((await c.request('attach', { mode: 'local', processId: spinner.pid })).success);
      await c.request('configurationDone', {});
      assert.ok(g.tracerOf(spinner.pid) > 0);
      sock.destroy();
      assert.strictEqual(await g.exited(child), 0);
      assert.ok(g.alive(spinner.pid), 'the attached program lives on');
      assert.strictEqual(g.tracerOf(spinner.pid), 0, 'and is detached');
    } finally {
      spinner.kill('SIGKILL');
    }
  });

  it('the client vanishing while stopped at a breakpoint, and SIGTERM while running', async () => {
    const c = RawClient.stdio();
    await c.request('initialize', {});
    await c.request('launch', { mode: 'exec', program });
    await c.request('setBreakpoints', { source: { path: g.DEMO_FILE }, breakpoints: [{ line: g.lineOf('total := loop(5)') }] });
    const stopped = c.event('stopped');
    await c.request('configurationDone', {});
    await stopped;
    const out = c.messages.find((m) => m.event === 'output' && /Process (\d+)/.test(m.body.output));
    const pid = Number(/Process (\d+)/.exec(out.body.output)[1]);
    c.child.stdin.destroy();
    c.child.stdout.destroy();
    assert.strictEqual(await g.exited(c.child), 0);
    assert.ok(await g.gone(pid));

    const d = RawClient.stdio();
    const pid2 = await d.launchSpinner(program);
    d.child.kill('SIGTERM');
    await g.exited(d.child);
    assert.ok(await g.gone(pid2));
  });
});
