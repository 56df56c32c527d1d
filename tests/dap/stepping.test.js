// A step the program never finishes (`next` over a call that does not return) must not take the
// adapter away from the editor: the client is still heard while the step runs, a pause ends it
// where the program is, and the requests that came meanwhile are answered after it.
'use strict';
const assert = require('assert');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');

const SPIN_CALL = g.lineOf('case "spin":') + 1;

for (const tc of g.toolchains()) {
  describe(`stepping (${tc.version})`, () => {
    const program = g.buildDemo(tc);
    let dc;
    afterEach(async () => {
      await g.closeClient(dc);
      dc = null;
    });

    it('a pause ends a next over a call that never returns', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program, args: ['spin'] }, { path: g.DEMO_FILE, line: SPIN_CALL });
      const threads = (await dc.threadsRequest()).body.threads;
      const main = threads.find((t) => /\[Go 1\]/.test(t.name));
      assert.ok(main, JSON.stringify(threads));
      await dc.nextRequest({ threadId: main.id });
      await new Promise((r) => setTimeout(r, 400)); // spin() runs: the step cannot end by itself
      const stopped = dc.waitForEvent('stopped', 10000);
      const started = Date.now();
      const paused = await dc.pauseRequest({ threadId: main.id });
      assert.strictEqual(paused.success, true);
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'pause');
      assert.ok(Date.now() - started < 5000, 'the pause was answered while the step ran');
      // The program is stopped and can be looked at: goroutine 1 is in spin (or the sleep it
      // calls), with main.main below it.
      const st = await dc.stackTraceRequest({ threadId: main.id, startFrame: 0, levels: 30 });
      const names = st.body.stackFrames.map((f) => f.name);
      assert.ok(names.includes('main.spin') && names.includes('main.main'), names.join(' '));
      // And it runs on: a continue and a second pause.
      await dc.continueRequest({ threadId: main.id });
      const again = dc.waitForEvent('stopped', 10000);
      await dc.pauseRequest({ threadId: main.id });
      assert.strictEqual((await again).body.reason, 'pause');
    });

    it('a disconnect during a step that never ends ends the session and the program', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program, args: ['spin'] }, { path: g.DEMO_FILE, line: SPIN_CALL });
      const pid = dc.programPid();
      const threads = (await dc.threadsRequest()).body.threads;
      const main = threads.find((t) => /\[Go 1\]/.test(t.name));
      await dc.nextRequest({ threadId: main.id });
      await new Promise((r) => setTimeout(r, 300));
      const c = dc;
      dc = null; // the session ends here: no second disconnect after the test
      const answered = await c.disconnectRequest({ terminateDebuggee: true });
      assert.strictEqual(answered.success, true);
      assert.ok(await g.gone(pid), 'the launched program ended with the session');
      c.assertValid();
    });
  });
}
