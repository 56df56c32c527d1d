// Data breakpoints (dataBreakpointInfo, setDataBreakpoints): the session's hardware watchpoints
// from the editor. A local watched through the Locals scope, hit at each write and gone when its
// frame returns; a package variable with a hit count; a field read; what cannot be watched.
'use strict';
const assert = require('assert');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');

const BREAK_MAIN = g.lineOf('total := loop(5)');
const LOOP_BODY = g.lineOf('total += add(i, 1)');
const PRINT_TOTAL = g.lineOf('fmt.Println("total"');
const SPIN_BODY = g.lineOf('Counter++');

async function continueTo(dc, threadId) {
  const stopped = dc.waitForEvent('stopped');
  await dc.continueRequest({ threadId });
  return stopped;
}

for (const tc of g.toolchains()) {
  describe(`data breakpoints (${tc.version})`, () => {
    const program = g.buildDemo(tc);
    let dc;
    afterEach(async () => {
      await g.closeClient(dc);
      dc = null;
    });

    it('advertises them', async () => {
      dc = await g.stdioClient();
      const init = await dc.initializeRequest();
      assert.strictEqual(init.body.supportsDataBreakpoints, true);
    });

    for (const variant of ['normal', 'pie']) it(`a local from the Locals scope: a stop at each write, then gone with its frame (${variant})`, async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program: g.buildDemo(tc, variant) }, { path: g.DEMO_FILE, line: LOOP_BODY });
      const top = await g.topFrame(dc, 1);
      const sc = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
      const localsRef = sc.find((s) => s.name === 'Locals').variablesReference;
      await dc.variablesRequest({ variablesReference: localsRef });
      const info = (await dc.send('dataBreakpointInfo', { variablesReference: localsRef, name: 'total' })).body;
      assert.strictEqual(typeof info.dataId, 'string');
      assert.match(info.description, /^total \(int, 8 bytes at 0x[0-9a-f]+\)$/);
      assert.ok(info.accessTypes.includes('write') && info.accessTypes.includes('readWrite'));
      const set = (await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body;
      assert.strictEqual(set.breakpoints.length, 1);
      assert.strictEqual(set.breakpoints[0].verified, true, JSON.stringify(set));
      const id = set.breakpoints[0].id;
      await dc.setBreakpointsRequest({ source: { path: g.DEMO_FILE }, breakpoints: [] });

      let total = 0;
      for (let i = 0; i < 5; i++) {
        const ev = await continueTo(dc, 1);
        assert.strictEqual(ev.body.reason, 'data breakpoint');
        assert.deepStrictEqual(ev.body.hitBreakpointIds, [id]);
        const was = total;
        total += i + 1;
        assert.strictEqual(ev.body.text, `total: ${was} -> ${total}`);
        const f = await g.topFrame(dc, ev.body.threadId);
        assert.deepStrictEqual([f.name, f.line], ['main.loop', LOOP_BODY]);
        assert.strictEqual((await dc.evaluateRequest({ expression: 'total', frameId: f.id, context: 'watch' })).body.result, String(total));
        if (i === 1) {
          // The editor sends the whole set again when one is added: the kept one keeps its id.
          const again = (await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body;
          assert.deepStrictEqual(again.breakpoints.map((b) => [b.id, b.verified]), [[id, true]]);
        }
      }
      // loop returns: the watchpoint goes with its frame, and the editor's list loses it.
      const removed = dc.waitForEvent('breakpoint');
      const ev = await continueTo(dc, 1);
      assert.strictEqual(ev.body.reason, 'data breakpoint');
      assert.match(ev.body.text, /out of scope/);
      const r = await removed;
      assert.deepStrictEqual([r.body.reason, r.body.breakpoint.id], ['removed', id]);
      const exited = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: 1 });
      assert.strictEqual((await exited).body.exitCode, 3);
    });

    it('a package variable with a hit count, a field read, and what cannot be watched', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program, args: ['spin'] }, { path: g.DEMO_FILE, line: BREAK_MAIN });
      const top = await g.topFrame(dc, 1);
      const sc = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
      const locals = (await dc.variablesRequest({ variablesReference: sc[0].variablesReference })).body.variables;
      const p = g.byName(locals, 'p');
      const px = (await dc.send('dataBreakpointInfo', { variablesReference: p.variablesReference, name: 'X' })).body;
      assert.match(px.description, /^p\.X \(int, 8 bytes/);
      const counter = (await dc.send('dataBreakpointInfo', { name: 'Counter', frameId: top.id })).body;
      assert.match(counter.description, /^Counter \(int, 8 bytes/);

      // Not in memory, too large, a register, not a variable: no dataId, and the reason.
      const none = async (args, why) => {
        const b = (await dc.send('dataBreakpointInfo', args)).body;
        assert.strictEqual(b.dataId, null, JSON.stringify(b));
        assert.match(b.description, why);
      };
      await none({ name: 'len(nums)', frameId: top.id }, /not in memory/);
      await none({ name: 's', frameId: top.id }, /40 bytes: a watchpoint covers 1 to 32 bytes/);
      await none({ name: 'nosuchvariable', frameId: top.id }, /nosuchvariable/);
      const regsRef = sc.find((s) => s.name === 'Registers').variablesReference;
      await none({ variablesReference: regsRef, name: 'rip' }, /register/);

      const set = (await dc.send('setDataBreakpoints', {
        breakpoints: [
          { dataId: px.dataId, accessType: 'read' },
          { dataId: 'not a data id', accessType: 'write' },
          { dataId: counter.dataId, accessType: 'write', hitCondition: '3' },
        ],
      })).body.breakpoints;
      assert.deepStrictEqual(set.map((b) => b.verified), [true, false, true], JSON.stringify(set));
      assert.match(set[1].message, /not a dataId/);
      await dc.setBreakpointsRequest({ source: { path: g.DEMO_FILE }, breakpoints: [] });

      // fmt.Println reads p.X after loop: a read, the value the same.
      let ev = await continueTo(dc, 1);
      assert.deepStrictEqual([ev.body.reason, ev.body.hitBreakpointIds], ['data breakpoint', [set[0].id]]);
      assert.strictEqual(ev.body.text, 'p.X: 3 -> 3');
      let f = await g.topFrame(dc, ev.body.threadId);
      const frames = (await dc.stackTraceRequest({ threadId: ev.body.threadId, levels: 30 })).body.stackFrames;
      assert.ok(frames.some((x) => x.name === 'main.main' && x.line === PRINT_TOTAL), JSON.stringify(frames.map((x) => [x.name, x.line])));

      // Only p.X's watch goes; Counter's is kept, and stops at its third write (40 -> 43).
      const kept = (await dc.send('setDataBreakpoints', {
        breakpoints: [{ dataId: counter.dataId, accessType: 'write', hitCondition: '3' }],
      })).body.breakpoints;
      assert.deepStrictEqual(kept.map((b) => b.id), [set[2].id]);
      ev = await continueTo(dc, ev.body.threadId);
      assert.deepStrictEqual([ev.body.reason, ev.body.hitBreakpointIds], ['data breakpoint', [set[2].id]]);
      assert.strictEqual(ev.body.text, 'Counter: 42 -> 43');
      f = await g.topFrame(dc, ev.body.threadId);
      // Just past the store: Counter++'s last instruction, so the pc may be the next line's.
      assert.strictEqual(f.name, 'main.spin');
      assert.ok([SPIN_BODY, SPIN_BODY + 1].includes(f.line), `line ${f.line}`);
      assert.strictEqual((await dc.evaluateRequest({ expression: 'Counter', frameId: f.id })).body.result, '43');

      // Cleared: the program spins on without stopping until paused.
      assert.deepStrictEqual((await dc.send('setDataBreakpoints', { breakpoints: [] })).body.breakpoints, []);
      const paused = dc.waitForEvent('stopped');
      await dc.continueRequest({ threadId: 1 });
      await new Promise((r) => setTimeout(r, 200));
      // Named in a frame that is gone once it runs: set only while it is stopped.
      const running = (await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: counter.dataId }] })).body.breakpoints;
      assert.strictEqual(running[0].verified, false);
      assert.match(running[0].message, /running; pause it/);
      await dc.pauseRequest({ threadId: 1 });
      assert.strictEqual((await paused).body.reason, 'pause');
    });
  });
}
