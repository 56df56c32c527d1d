// Attaching to a running program and leaving it running: attach, pause, look, detach.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');

function startSpinner(program) {
  const child = cp.spawn(program, ['spin'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('total')) resolve(child);
    });
    child.on('exit', () => reject(new Error(`the program ended: ${out}`)));
  });
}

function state(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

for (const tc of g.toolchains()) {
  describe(`attach (${tc.version})`, () => {
    const program = g.buildDemo(tc);
    let spinner;
    afterEach(() => {
      if (spinner) spinner.kill('SIGKILL');
      g.killAdapters();
    });

    it('attaches to a running program, pauses it, and detaches leaving it running', async () => {
      spinner = await startSpinner(program);
      const dc = await g.stdioClient();
      await dc.initializeRequest();
      const initialized = dc.waitForEvent('initialized');
      await dc.attachRequest({ type: 'go', request: 'attach', name: 'Attach', mode: 'local', processId: spinner.pid });
      await initialized;
      await dc.configurationDoneRequest();
      const stopped = dc.waitForEvent('stopped');
      await dc.pauseRequest({ threadId: 1 });
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'pause');
      const threads = (await dc.threadsRequest()).body.threads;
      const g1 = threads.find((t) => /\[Go 1\] (main\.spin|time\.Sleep|runtime\.\w+)/.test(t.name));
      assert.ok(g1, JSON.stringify(threads));
      const st = await dc.stackTraceRequest({ threadId: g1.id, startFrame: 0, levels: 50 });
      const names = st.body.stackFrames.map((f) => f.name);
      assert.ok(names.includes('main.spin') && names.includes('main.main'), names.join(' '));
      const counter = await dc.evaluateRequest({ expression: 'main.Counter', context: 'watch' });
      assert.ok(Number(counter.body.result) > 40, counter.body.result);
      await dc.disconnectRequest({});
      dc.assertValid();
      // Still running, and nobody's tracee any more.
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(g.alive(spinner.pid));
      assert.strictEqual(g.tracerOf(spinner.pid), 0);
      assert.notStrictEqual(state(spinner.pid), 't');
    });

    it('terminateDebuggee: true kills an attached program', async () => {
      spinner = await startSpinner(program);
      const dc = await g.stdioClient();
      await dc.initializeRequest();
      const initialized = dc.waitForEvent('initialized');
      await dc.attachRequest({ mode: 'local', processId: spinner.pid });
      await initialized;
      await dc.configurationDoneRequest();
      await dc.disconnectRequest({ terminateDebuggee: true });
      assert.ok(await g.gone(spinner.pid));
      dc.assertValid();
    });

    it('a process that is not there is an error response', async () => {
      const dc = await g.stdioClient();
      await dc.initializeRequest();
      await assert.rejects(dc.attachRequest({ mode: 'local', processId: 999999999 }));
      await assert.rejects(dc.attachRequest({ mode: 'local', processId: 'not-a-pid' }), /processId/);
      await assert.rejects(dc.attachRequest({ mode: 'remote' }), /remote/);
      await dc.disconnectRequest({});
      dc.assertValid();
    });
  });
}
