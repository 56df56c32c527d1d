// godbg dap driven as VS Code drives a debug adapter, on the demo built by each Go toolchain:
// breakpoints, threads, stacks, variables, evaluation, setting values, steps, logpoints,
// conditions, pause, panics, output and the exit code.
'use strict';
const assert = require('assert');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');

const BREAK_MAIN = g.lineOf('total := loop(5)');
const LOOP_BODY = g.lineOf('total += add(i, 1)');
const ADD_BODY = g.lineOf('sum := a + b');
const LOOP_FIRST = g.lineOf('total := 0');
const FUNC_LOOP = g.lineOf('func loop(');
const FUNC_ADD = g.lineOf('func add(');

for (const tc of g.toolchains()) {
  describe(`launch (${tc.version})`, () => {
    const program = g.buildDemo(tc);
    let dc;
    afterEach(async () => {
      await g.closeClient(dc);
      dc = null;
    });

    it('stops at FILE:LINE; threads, stack, scopes, variables and their children; evaluate', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program }, { path: g.DEMO_FILE, line: BREAK_MAIN });
      const threads = (await dc.threadsRequest()).body.threads;
      const main = threads.find((t) => /^\* \[Go 1\] main\.main \(Thread \d+\)$/.test(t.name));
      assert.ok(main, `no current goroutine 1 in ${JSON.stringify(threads)}`);
      const st = await dc.stackTraceRequest({ threadId: main.id, startFrame: 0, levels: 1 });
      assert.strictEqual(st.body.stackFrames.length, 1);
      assert.ok(st.body.totalFrames > 1, 'totalFrames says there are more');
      const top = st.body.stackFrames[0];
      assert.strictEqual(top.name, 'main.main');
      assert.strictEqual(top.line, BREAK_MAIN);
      const rest = await dc.stackTraceRequest({ threadId: main.id, startFrame: 1, levels: 20 });
      assert.ok(rest.body.stackFrames.some((f) => f.name === 'runtime.main'));

      const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes.map((s) => s.name);
      assert.deepStrictEqual(scopes, ['Locals', 'Arguments', 'Registers']);
      const locals = await g.scopeVars(dc, top.id, 'Locals');
      const p = g.byName(locals, 'p');
      assert.match(p.value, /X: 3, Y: 4, Name: "origin"/);
      const fields = (await dc.variablesRequest({ variablesReference: p.variablesReference })).body.variables;
      assert.deepStrictEqual(fields.map((f) => [f.name, f.value]), [['X', '3'], ['Y', '4'], ['Name', '"origin"']]);
      assert.strictEqual(fields[0].evaluateName, 'p.X');

      // A long slice pages through indexed variables.
      const nums = g.byName(locals, 'nums');
      assert.strictEqual(nums.indexedVariables, 300);
      const page = (await dc.variablesRequest({ variablesReference: nums.variablesReference, filter: 'indexed', start: 250, count: 3 })).body.variables;
      assert.deepStrictEqual(page.map((v) => [v.name, v.value]), [['[250]', '62500'], ['[251]', '63001'], ['[252]', '63504']]);

      const ages = g.byName(locals, 'ages');
      assert.strictEqual(ages.indexedVariables, 2);
      const entries = (await dc.variablesRequest({ variablesReference: ages.variablesReference })).body.variables;
      assert.deepStrictEqual(entries.map((v) => [v.name, v.value]).sort(), [['"gopher"', '13'], ['"ken"', '82']]);

      // Nested: a struct holding a pointer, a slice and a map.
      const s = g.byName(locals, 's');
      const sf = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
      const corner = g.byName(sf, 'Corner');
      const pointee = (await dc.variablesRequest({ variablesReference: corner.variablesReference })).body.variables;
      assert.strictEqual(pointee.length, 1);
      const pf = (await dc.variablesRequest({ variablesReference: pointee[0].variablesReference })).body.variables;
      assert.strictEqual(g.byName(pf, 'Name').value, '"origin"');
      const tags = (await dc.variablesRequest({ variablesReference: g.byName(sf, 'Tags').variablesReference })).body.variables;
      assert.deepStrictEqual(tags.map((v) => v.value), ['"a"', '"b"']);

      const any = g.byName(locals, 'any');
      assert.match(any.value, /main\.point/);
      const data = (await dc.variablesRequest({ variablesReference: any.variablesReference })).body.variables;
      assert.strictEqual(data[0].type, 'main.point');

      const regs = await g.scopeVars(dc, top.id, 'Registers');
      assert.ok(regs.some((r) => r.name === 'rip'), 'the registers scope has rip');

      // evaluate: hover, watch, and godbg's commands in the console.
      assert.strictEqual((await dc.evaluateRequest({ expression: 'p.Name', frameId: top.id, context: 'hover' })).body.result, '"origin"');
      assert.strictEqual((await dc.evaluateRequest({ expression: 'Counter', frameId: top.id, context: 'watch' })).body.result, '40');
      const w = await dc.evaluateRequest({ expression: 'p', frameId: top.id, context: 'watch' });
      assert.ok(w.body.variablesReference > 0, 'a struct watch expands');
      const bt = await dc.evaluateRequest({ expression: 'bt', frameId: top.id, context: 'repl' });
      assert.match(bt.body.result, /main\.main/);
      const grs = await dc.evaluateRequest({ expression: 'goroutines', context: 'repl' });
      assert.match(grs.body.result, /Goroutine 1 \[running\] main\.main/);
      await assert.rejects(dc.evaluateRequest({ expression: 'nosuchvariable', frameId: top.id, context: 'hover' }));

      const done = dc.waitForEvent('terminated');
      await dc.continueRequest({ threadId: main.id });
      await done;
    });

    it('disassemble, readMemory, loadedSources, completions', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program }, { path: g.DEMO_FILE, line: BREAK_MAIN });
      const top = await g.topFrame(dc, 1);
      const pc = top.instructionPointerReference;
      const dis = await dc.disassembleRequest({ memoryReference: pc, instructionOffset: -5, instructionCount: 12 });
      const insns = dis.body.instructions;
      assert.strictEqual(insns.length, 12);
      assert.strictEqual(BigInt(insns[5].address), BigInt(pc), 'the window is placed around the pc');
      assert.ok(insns.every((i, k) => k === 0 || BigInt(i.address) > BigInt(insns[k - 1].address)));
      assert.ok(insns.slice(5).some((i) => /call/.test(i.instruction) && /main\.loop/.test(i.instruction)), JSON.stringify(insns));
      const p = g.byName(await g.scopeVars(dc, top.id, 'Locals'), 'p');
      const mem = await dc.send('readMemory', { memoryReference: p.memoryReference, count: 16 });
      const bytes = Buffer.from(mem.body.data, 'base64');
      assert.deepStrictEqual([bytes.readBigInt64LE(0), bytes.readBigInt64LE(8)], [3n, 4n], 'p.X and p.Y in memory');
      const src = await dc.send('loadedSources', {});
      assert.ok(src.body.sources.some((x) => x.path === g.DEMO_FILE));
      const comp = await dc.completionsRequest({ text: 'goro', column: 5, frameId: top.id });
      assert.ok(comp.body.targets.some((t) => t.label === 'goroutines'));
      const vars = await dc.completionsRequest({ text: 'print ag', column: 9, frameId: top.id });
      assert.ok(vars.body.targets.some((t) => t.label === 'ages'), JSON.stringify(vars.body.targets));
    });

    it('setVariable and setExpression reach the program; its output and exit code', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program }, { path: g.DEMO_FILE, line: BREAK_MAIN });
      const top = await g.topFrame(dc, 1);
      const p = g.byName(await g.scopeVars(dc, top.id, 'Locals'), 'p');
      const set = await dc.setVariableRequest({ variablesReference: p.variablesReference, name: 'X', value: '7' });
      assert.strictEqual(set.body.value, '7');
      const setx = await dc.send('setExpression', { expression: 'Counter', value: '50', frameId: top.id });
      assert.strictEqual(setx.body.value, '50');
      await assert.rejects(dc.setVariableRequest({ variablesReference: p.variablesReference, name: 'X', value: 'seven' }));
      const exit = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: 1 });
      assert.strictEqual((await exit).body.exitCode, 13, 'exit status Counter - 37 with Counter = 50');
      await dc.waitOutput('total 15 7 300 2 2 true\n', 'stdout');
      await dc.waitOutput('counter 50\n', 'stdout');
      await dc.waitOutput('a line on stderr\n', 'stderr');
      assert.ok(dc.outputText('stdout').startsWith('hello from dapdemo run\n'));
    });

    it('args, cwd and env reach the program; a breakpoint set in the console is announced', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program, args: ['run'], cwd: '/tmp', env: { DAPDEMO_ENV: 'from the editor', HOME: null } },
        { path: g.DEMO_FILE, line: BREAK_MAIN });
      await dc.waitOutput('env from the editor cwd /tmp\n', 'stdout');
      const announced = dc.waitForEvent('breakpoint');
      const r = await dc.evaluateRequest({ expression: 'break main.add', context: 'repl' });
      assert.match(r.body.result, /Breakpoint \d+ at/);
      const ev = await announced;
      assert.strictEqual(ev.body.reason, 'new');
      assert.strictEqual(ev.body.breakpoint.verified, true);
      const stopped = dc.waitForEvent('stopped');
      await dc.continueRequest({ threadId: 1 });
      assert.strictEqual((await stopped).body.hitBreakpointIds[0], ev.body.breakpoint.id);
    });

    it('next, stepIn, stepOut', async () => {
      dc = await g.stdioClient();
      await dc.hitBreakpoint({ mode: 'exec', program }, { path: g.DEMO_FILE, line: BREAK_MAIN });
      const step = async (how, line, fn) => {
        const stopped = dc.waitForEvent('stopped');
        await dc.send(how, { threadId: 1 });
        const ev = await stopped;
        assert.strictEqual(ev.body.reason, 'step');
        const top = await g.topFrame(dc, ev.body.threadId);
        assert.deepStrictEqual([top.name, top.line], [fn, line], `after ${how}`);
        return top;
      };
      // Into a call: at the function's line first, as Delve stops there on builds without
      // optimizations.
      await step('stepIn', FUNC_LOOP, 'main.loop');
      await step('next', LOOP_FIRST, 'main.loop');
      await step('next', LOOP_FIRST + 1, 'main.loop');
      await step('next', LOOP_BODY, 'main.loop');
      await step('stepIn', FUNC_ADD, 'main.add');
      const inAdd = await step('next', ADD_BODY, 'main.add');
      const args = await g.scopeVars(dc, inAdd.id, 'Arguments');
      // Delve's Arguments scope has the unnamed result too.
      assert.deepStrictEqual(args.map((a) => [a.name, a.value]), [['a', '0'], ['b', '1'], ['~r0', '0']]);
      await step('stepOut', LOOP_BODY, 'main.loop');
    });

    it('logpoints, a conditional breakpoint and a hit count', async () => {
      dc = await g.stdioClient();
      await dc.launch({ mode: 'exec', program });
      await dc.setBreakpointsRequest({
        source: { path: g.DEMO_FILE },
        breakpoints: [{ line: LOOP_BODY, logMessage: 'i={i} total={total}' }, { line: ADD_BODY, condition: 'a == 3' }],
      });
      const stopped = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'breakpoint');
      const top = await g.topFrame(dc, ev.body.threadId);
      assert.strictEqual(top.line, ADD_BODY);
      const args = await g.scopeVars(dc, top.id, 'Arguments');
      assert.strictEqual(g.byName(args, 'a').value, '3');
      assert.strictEqual(dc.outputText('console').match(/i=\d total=\d+\n/g).join(''),
        'i=0 total=0\ni=1 total=1\ni=2 total=3\ni=3 total=6\n');

      // The third hit of a breakpoint with a hit condition, counted from when it was set.
      await dc.setBreakpointsRequest({ source: { path: g.DEMO_FILE }, breakpoints: [] });
      const bps = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.add', hitCondition: '== 1' }] });
      assert.ok(bps.body.breakpoints[0].verified);
      const again = dc.waitForEvent('stopped');
      await dc.continueRequest({ threadId: ev.body.threadId });
      const ev2 = await again;
      assert.strictEqual(ev2.body.reason, 'function breakpoint');
      const top2 = await g.topFrame(dc, ev2.body.threadId);
      assert.strictEqual(g.byName(await g.scopeVars(dc, top2.id, 'Arguments'), 'a').value, '4');
      const bad = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.add', hitCondition: 'often' }] });
      assert.strictEqual(bad.body.breakpoints[0].verified, false);
    });

    it('pause of a running program, breakpoints set while it runs, terminate kills it', async () => {
      dc = await g.stdioClient();
      await dc.launch({ mode: 'exec', program, args: ['spin'] });
      await dc.configurationDoneRequest();
      await dc.waitOutput('total 15', 'stdout');
      const stopped = dc.waitForEvent('stopped');
      await dc.pauseRequest({ threadId: 1 });
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'pause');
      assert.ok((await dc.threadsRequest()).body.threads.length >= 1);
      await dc.continueRequest({ threadId: ev.body.threadId });
      // While it runs: threads answers, and a breakpoint set now is hit.
      assert.ok((await dc.threadsRequest()).body.threads.length >= 1);
      const hit = dc.waitForEvent('stopped');
      const set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.spin' }, { name: 'time.Sleep' }] });
      assert.ok(set.body.breakpoints.every((b) => b.verified));
      const ev2 = await hit;
      assert.strictEqual(ev2.body.reason, 'function breakpoint');
      const counter = await dc.evaluateRequest({ expression: 'main.Counter', context: 'watch' });
      assert.ok(Number(counter.body.result) > 40);
      const pid = dc.programPid();
      const terminated = dc.waitForEvent('terminated');
      await dc.terminateRequest();
      await terminated;
      assert.ok(await g.gone(pid), 'terminate killed the program');
    });

    it('stops on an unrecovered panic, with its value', async () => {
      dc = await g.stdioClient();
      await dc.launch({ mode: 'exec', program, args: ['panic'] });
      await dc.setExceptionBreakpointsRequest({ filters: ['panic', 'fatal'] });
      const stopped = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'exception');
      const info = await dc.exceptionInfoRequest({ threadId: ev.body.threadId });
      assert.strictEqual(info.body.exceptionId, 'panic');
      assert.match(info.body.description, /boom 40/);
      const st = await dc.stackTraceRequest({ threadId: ev.body.threadId, startFrame: 0, levels: 20 });
      assert.ok(st.body.stackFrames.some((f) => f.name === 'main.main' && f.line === g.lineOf('panic("boom')));
      const exit = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: ev.body.threadId });
      assert.strictEqual((await exit).body.exitCode, 2);
      await dc.waitOutput('panic: boom 40', 'stderr');
    });

    it('an unrecovered panic runs on to the exit when the panic filter is off', async () => {
      dc = await g.stdioClient();
      await dc.launch({ mode: 'exec', program, args: ['panic'] });
      await dc.setExceptionBreakpointsRequest({ filters: ['fatal'] });
      const exit = dc.waitForEvent('exited');
      await dc.configurationDoneRequest();
      assert.strictEqual((await exit).body.exitCode, 2);
    });

    it('stopOnEntry stops before any goroutine exists; godbg.startup reports the bootstrap', async () => {
      dc = await g.stdioClient();
      await dc.launch({ mode: 'exec', program, stopOnEntry: true });
      const stopped = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'entry');
      const threads = (await dc.threadsRequest()).body.threads;
      assert.strictEqual(threads.length, 1);
      assert.match(threads[0].name, /^\* Thread \d+ _rt0_amd64_linux$/);
      const top = await g.topFrame(dc, threads[0].id);
      assert.strictEqual(top.name, '_rt0_amd64_linux');
      const rep = await dc.customRequest('godbg.startup');
      const stages = rep.body.startup.map((s) => s.stage);
      assert.ok(stages.includes('runtime.schedinit') && stages.includes('main.main'), stages.join(' '));
      assert.match(rep.body.text, /runtime\.schedinit/);
      const exit = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: threads[0].id });
      assert.strictEqual((await exit).body.exitCode, 3);
    });
  });
}
