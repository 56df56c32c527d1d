// launch with mode "core" (program + coreFilePath, as editors send it to dlv dap): a core godbg
// dumped at a breakpoint, and one the kernel wrote when the demo panicked (GOTRACEBACK=crash),
// read over DAP: threads, stackTrace, scopes, variables, evaluate, exceptionInfo. Everything
// that would run or change the program answers with an error naming the core file.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { describe, it, afterEach, before } = require('node:test');
const g = require('./lib/godbg');

const BREAK_MAIN = g.lineOf('total := loop(5)');
const PANIC_LINE = g.lineOf('panic("boom "');

// godbg's own dump of the demo stopped at BREAK_MAIN.
async function dumpAtBreakpoint(program, core) {
  const dc = await g.stdioClient();
  try {
    await dc.hitBreakpoint({ mode: 'exec', program }, { path: g.DEMO_FILE, line: BREAK_MAIN });
    const r = await dc.evaluateRequest({ expression: `dump ${core}`, context: 'repl' });
    assert.match(r.body.result, /Saved core file/);
  } catch (e) {
    await dc.stop();
    throw e;
  }
  await dc.disconnectRequest({ terminateDebuggee: true });
  dc.assertValid();
}

// The kernel's core of `dapdemo panic`, or null with the reason when this machine writes none
// where a test can find it (a core_pattern pipe, a hard RLIMIT_CORE of 0).
function kernelCore(program, dir) {
  const pattern = fs.readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  if (pattern.startsWith('|')) return { why: `core_pattern pipes cores to ${pattern}` };
  const r = cp.spawnSync('bash', ['-c', 'ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -Hc)"; exec "$0" panic', program],
    { cwd: dir, env: { ...process.env, GOTRACEBACK: 'crash' }, timeout: 60000 });
  const core = fs.readdirSync(dir).find((f) => f === 'core' || f.startsWith('core.'));
  if (!core) return { why: `no core written (status ${r.status}, signal ${r.signal}, core_pattern ${pattern})` };
  return { core: path.join(dir, core) };
}

async function openCore(program, coreFilePath) {
  const dc = await g.stdioClient();
  const initialized = dc.waitForEvent('initialized');
  await dc.launch({ mode: 'core', program, coreFilePath });
  await initialized;
  const stopped = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  return { dc, stopped: await stopped };
}

for (const tc of g.toolchains()) {
  describe(`core (${tc.version})`, () => {
    const program = g.buildDemo(tc);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'godbg-dap-core-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const dumped = path.join(dir, 'dapdemo.core');
    let dc;
    before(async () => {
      await dumpAtBreakpoint(program, dumped);
    });
    afterEach(async () => {
      await g.closeClient(dc);
      dc = null;
    });

    it('reads a dump taken at a breakpoint: threads, stack, scopes, variables, evaluate', async () => {
      let stopped;
      ({ dc, stopped } = await openCore(program, dumped));
      assert.strictEqual(stopped.body.reason, 'pause', 'a snapshot, not a death');
      assert.match(dc.outputText('console'), /Core file .*dapdemo\.core of process \d+/);
      const threads = (await dc.threadsRequest()).body.threads;
      const main = threads.find((t) => /^\* \[Go 1\] main\.main \(Thread \d+\)$/.test(t.name));
      assert.ok(main, `no current goroutine 1 in ${JSON.stringify(threads)}`);
      assert.strictEqual(stopped.body.threadId, main.id);
      const st = await dc.stackTraceRequest({ threadId: main.id, startFrame: 0, levels: 20 });
      const top = st.body.stackFrames[0];
      assert.deepStrictEqual([top.name, top.line], ['main.main', BREAK_MAIN]);
      assert.ok(st.body.stackFrames.some((f) => f.name === 'runtime.main'));

      const locals = await g.scopeVars(dc, top.id, 'Locals');
      const p = g.byName(locals, 'p');
      const fields = (await dc.variablesRequest({ variablesReference: p.variablesReference })).body.variables;
      assert.deepStrictEqual(fields.map((f) => [f.name, f.value]), [['X', '3'], ['Y', '4'], ['Name', '"origin"']]);
      const nums = g.byName(locals, 'nums');
      const page = (await dc.variablesRequest({ variablesReference: nums.variablesReference, filter: 'indexed', start: 250, count: 2 })).body.variables;
      assert.deepStrictEqual(page.map((v) => v.value), ['62500', '63001']);
      const regs = await g.scopeVars(dc, top.id, 'Registers');
      assert.ok(regs.some((r) => r.name === 'rip' && /^0x/.test(r.value)), 'registers from the core');

      assert.strictEqual((await dc.evaluateRequest({ expression: 'p.Name', frameId: top.id, context: 'hover' })).body.result, '"origin"');
      assert.strictEqual((await dc.evaluateRequest({ expression: 'Counter + len(nums)', frameId: top.id, context: 'watch' })).body.result, '340');
      const bt = await dc.evaluateRequest({ expression: 'bt', context: 'repl' });
      assert.match(bt.body.result, /main\.main/);
      const mem = await dc.send('readMemory', { memoryReference: p.memoryReference, count: 16 });
      const bytes = Buffer.from(mem.body.data, 'base64');
      assert.deepStrictEqual([bytes.readBigInt64LE(0), bytes.readBigInt64LE(8)], [3n, 4n]);
    });

    it('refuses what would run or change the program, in one line', async () => {
      ({ dc } = await openCore(program, dumped));
      const top = await g.topFrame(dc, 1);
      const p = g.byName(await g.scopeVars(dc, top.id, 'Locals'), 'p');
      const refused = /is a core file: nothing runs or changes in it/;
      await assert.rejects(dc.continueRequest({ threadId: 1 }), refused);
      await assert.rejects(dc.nextRequest({ threadId: 1 }), refused);
      await assert.rejects(dc.stepInRequest({ threadId: 1 }), refused);
      await assert.rejects(dc.stepOutRequest({ threadId: 1 }), refused);
      await assert.rejects(dc.pauseRequest({ threadId: 1 }), refused);
      await assert.rejects(dc.send('restart', {}), refused);
      await assert.rejects(dc.setVariableRequest({ variablesReference: p.variablesReference, name: 'X', value: '7' }), refused);
      await assert.rejects(dc.send('setExpression', { expression: 'Counter', value: '1', frameId: top.id }), refused);
      await assert.rejects(dc.evaluateRequest({ expression: 'continue', context: 'repl' }), refused);
      const bps = await dc.setBreakpointsRequest({ source: { path: g.DEMO_FILE }, breakpoints: [{ line: BREAK_MAIN }] });
      assert.strictEqual(bps.body.breakpoints[0].verified, false);
      assert.match(bps.body.breakpoints[0].message, /core file/);
      const info = await dc.send('dataBreakpointInfo', { name: 'Counter' });
      assert.strictEqual(info.body.dataId, null);
      // Nothing changed: still readable, and the core file is left alone at the end.
      assert.strictEqual((await dc.evaluateRequest({ expression: 'p.X', frameId: top.id })).body.result, '3');
      await dc.disconnectRequest({});
      dc.assertValid();
      dc = null;
      assert.ok(fs.existsSync(dumped), 'the core file is kept');
    });

    it('a core given with another program, and no coreFilePath: an error response', async () => {
      dc = await g.stdioClient();
      await dc.initializeRequest();
      await assert.rejects(dc.launchRequest({ mode: 'core', program }), /coreFilePath/);
      await assert.rejects(dc.launchRequest({ mode: 'core', program: '/bin/true', coreFilePath: dumped }), /another program/);
      await assert.rejects(dc.launchRequest({ mode: 'core', program, coreFilePath: program }), /core/);
    });

    it('PIE and stripped builds: goroutines and stacks from the core, values where DWARF is', async () => {
      for (const variant of ['pie', 'stripped']) {
        const prog = g.buildDemo(tc, variant);
        const core = path.join(dir, `${variant}.core`);
        const live = await g.stdioClient();
        // No DWARF in the stripped build: a function breakpoint, found through .gopclntab.
        await live.launch({ mode: 'exec', program: prog });
        await live.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.loop' }] });
        const stop = live.waitForEvent('stopped');
        await live.configurationDoneRequest();
        await stop;
        assert.match((await live.evaluateRequest({ expression: `dump ${core}`, context: 'repl' })).body.result, /Saved core file/);
        await live.disconnectRequest({ terminateDebuggee: true });
        live.assertValid();

        let stopped;
        ({ dc, stopped } = await openCore(prog, core));
        const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId, startFrame: 0, levels: 20 });
        const names = st.body.stackFrames.map((f) => f.name);
        assert.deepStrictEqual(names.slice(0, 2), ['main.loop', 'main.main'], `${variant}: ${names}`);
        assert.ok(names.includes('runtime.main'), `${variant}: ${names}`);
        const threads = (await dc.threadsRequest()).body.threads;
        assert.ok(threads.some((t) => /^\* \[Go 1\] main\.loop/.test(t.name)), `${variant}: ${JSON.stringify(threads)}`);
        if (variant === 'pie') {
          const args = await g.scopeVars(dc, st.body.stackFrames[0].id, 'Arguments');
          assert.strictEqual(g.byName(args, 'n').value, '5');
        }
        await dc.stop();
        dc.assertValid();
        dc = null;
      }
    });

    it('reads the kernel\'s core of a panic: the panicking goroutine and the panic value', async (t) => {
      const kdir = path.join(dir, 'kernel');
      fs.mkdirSync(kdir, { recursive: true });
      const k = kernelCore(program, kdir);
      if (!k.core) {
        t.skip(k.why);
        return;
      }
      let stopped;
      ({ dc, stopped } = await openCore(program, k.core));
      assert.strictEqual(stopped.body.reason, 'exception');
      const threads = (await dc.threadsRequest()).body.threads;
      const current = threads.find((th) => th.name.startsWith('* '));
      assert.ok(current && /\[Go 1\]/.test(current.name), JSON.stringify(threads));
      const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId, startFrame: 0, levels: 50 });
      const user = st.body.stackFrames.find((f) => f.name === 'main.main');
      assert.ok(user, JSON.stringify(st.body.stackFrames.map((f) => f.name)));
      assert.strictEqual(user.line, PANIC_LINE);
      const info = await dc.send('exceptionInfo', { threadId: stopped.body.threadId });
      assert.strictEqual(info.body.exceptionId, 'panic');
      assert.match(info.body.description, /boom 40/);
      const locals = await g.scopeVars(dc, user.id, 'Locals');
      assert.strictEqual(g.byName(locals, 'mode').value, '"panic"');
    });
  });
}
