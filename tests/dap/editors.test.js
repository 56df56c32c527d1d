// godbg started the way editors start `dlv dap`, with the launch arguments they send: VS Code's
// Go extension (go.alternateTools pointing dlv at godbg), nvim-dap-go, and DAP over --listen and
// --client-addr; the debug and test modes that build the program.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { describe, it, afterEach } = require('node:test');
const g = require('./lib/godbg');

const ADD_BODY = g.lineOf('sum := a + b');
const BREAK_MAIN = g.lineOf('total := loop(5)');

// What VS Code sends to initialize a debug adapter.
const VSCODE_INITIALIZE = {
  clientID: 'vscode', clientName: 'Visual Studio Code', adapterID: 'go', pathFormat: 'path',
  linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true,
  supportsRunInTerminalRequest: true, locale: 'en', supportsProgressReporting: true,
  supportsInvalidatedEvent: true, supportsMemoryReferences: true, supportsArgsCanBeInterpretedByShell: true,
  supportsMemoryEvent: true, supportsStartDebuggingRequest: true,
};
// And nvim-dap.
const NVIM_INITIALIZE = {
  clientID: 'neovim', clientName: 'neovim', adapterID: 'nvim-dap', pathFormat: 'path',
  columnsStartAt1: true, linesStartAt1: true, supportsRunInTerminalRequest: true,
  supportsVariableType: true, supportsProgressReporting: true, supportsStartDebuggingRequest: true,
  locale: 'en_US.UTF-8',
};

function tempBuilds() {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('godbg-dap-') && !n.startsWith('godbg-dap-test-'));
}

// initialize, launch, a breakpoint, configurationDone: the stop, and the client.
async function runToBreakpoint(dc, init, launch, line) {
  await dc.initializeRequest(init);
  const initialized = dc.waitForEvent('initialized', 120000);
  await dc.launchRequest(launch);
  await initialized;
  const bps = await dc.setBreakpointsRequest({ source: { path: g.DEMO_FILE }, breakpoints: [{ line }] });
  assert.ok(bps.body.breakpoints[0].verified, JSON.stringify(bps.body));
  const stopped = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  const ev = await stopped;
  const top = await g.topFrame(dc, ev.body.threadId);
  assert.strictEqual(top.line, line);
  return ev;
}

async function finish(dc) {
  const exited = dc.waitForEvent('exited');
  await dc.continueRequest({ threadId: 1 });
  const code = (await exited).body.exitCode;
  await dc.disconnectRequest({});
  dc.assertValid();
  return code;
}

describe('editors', () => {
  afterEach(() => g.killAdapters());
  it('VS Code Go: dlv dap --listen=127.0.0.1:PORT --log-dest=3, launch mode debug of "."', async () => {
    const before = tempBuilds();
    const port = await g.freePort();
    // As vscode-go's spawnDlvDapServerProcess: cwd the package (__buildDir), four stdio pipes.
    const child = g.track(cp.spawn(g.GODBG, ['dap', '--log=true', '--log-output=dap', `--listen=127.0.0.1:${port}`, '--log-dest=3'],
      { cwd: g.DEMO_DIR, env: { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH}` }, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] }));
    let stdout = '', log = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stdio[3].on('data', (d) => { log += d; });
    const end = Date.now() + 20000;
    while (!stdout.startsWith('DAP server listening at:') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(stdout, `DAP server listening at: 127.0.0.1:${port}\n`);
    const dc = new g.CheckedClient(g.GODBG, 'dap', 'go');
    await dc.start(port);
    await runToBreakpoint(dc, VSCODE_INITIALIZE, {
      name: 'Launch Package', type: 'go', request: 'launch', mode: 'debug', program: '.',
      __buildDir: g.DEMO_DIR, env: {}, debugAdapter: 'dlv-dap', showRegisters: false,
      showGlobalVariables: false, substitutePath: [], showLog: true, logOutput: 'dap', dlvFlags: [],
      hideSystemGoroutines: false, dlvToolPath: g.GODBG, __sessionId: 'b2f4-test', stopOnEntry: false,
    }, BREAK_MAIN);
    assert.strictEqual(await finish(dc), 3);
    assert.strictEqual(await g.exited(child), 0);
    assert.match(log, /<- \{.*"command":"launch"/, 'the log on fd 3 has the messages');
    assert.deepStrictEqual(tempBuilds(), before, 'the build directory is removed');
  });

  it('nvim-dap-go: dlv dap -l 127.0.0.1:PORT, Debug (program ${file}, buildFlags "")', async () => {
    const port = await g.freePort();
    const dc = await g.listeningClient(['-l', `127.0.0.1:${port}`], { cwd: g.SRC });
    await runToBreakpoint(dc, NVIM_INITIALIZE,
      { type: 'go', name: 'Debug', request: 'launch', program: g.DEMO_FILE, buildFlags: '' }, BREAK_MAIN);
    assert.strictEqual(await finish(dc), 3);
    assert.strictEqual(await g.exited(dc.adapter), 0);
  });

  it('nvim-dap-go: debug_test (mode test, ./dir, -test.run TestAdd)', async () => {
    const before = tempBuilds();
    const port = await g.freePort();
    // nvim's working directory is the module's root; the test's file is in "."
    const dc = await g.listeningClient(['-l', `127.0.0.1:${port}`], { cwd: g.DEMO_DIR });
    const ev = await runToBreakpoint(dc, NVIM_INITIALIZE, {
      type: 'go', name: 'TestAdd', request: 'launch', mode: 'test', program: './.',
      args: ['-test.run', 'TestAdd'], buildFlags: '',
    }, ADD_BODY);
    const top = await g.topFrame(dc, ev.body.threadId);
    const args = await g.scopeVars(dc, top.id, 'Arguments');
    assert.deepStrictEqual(args.map((a) => a.value), ['2', '3', '0']);  // a, b, ~r0 (as Delve)
    assert.strictEqual(await finish(dc), 0);
    await g.exited(dc.adapter);
    assert.match(dc.outputText('stdout'), /^PASS$/m);
    assert.deepStrictEqual(tempBuilds(), before);
  });

  it('a build that fails is an error response with the compiler\'s words', async () => {
    const dc = await g.stdioClient({ cwd: g.SRC });
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ mode: 'debug', program: './demos/dapdemo', buildFlags: '-tags=nosuchflag -badflag' }),
      /go build failed/);
    await assert.rejects(dc.launchRequest({ mode: 'exec', program: '/nonexistent/prog' }), /nonexistent/);
    await assert.rejects(dc.launchRequest({ mode: 'core', program: '/bin/true', coreFilePath: '/tmp/core' }), /core/);
    await dc.disconnectRequest({});
    dc.assertValid();
  });

  it('vscode-go in a terminal: dlv dap --client-addr=:PORT connects to the editor', async () => {
    const program = g.buildDemo();
    const server = net.createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const port = server.address().port;
    const connected = new Promise((r) => server.once('connection', r));
    const child = g.track(cp.spawn(g.GODBG, ['dap', `--client-addr=:${port}`], { stdio: 'ignore' }));
    const socket = await connected;
    server.close();
    const dc = new g.CheckedClient(g.GODBG, 'dap', 'go');
    dc.connect(socket, socket);
    await runToBreakpoint(dc, VSCODE_INITIALIZE, { type: 'go', request: 'launch', mode: 'exec', program }, BREAK_MAIN);
    assert.strictEqual(await finish(dc), 3);
    socket.end();
    assert.strictEqual(await g.exited(child), 0);
  });

  it('--listen: restart keeps the breakpoints; disconnect ends godbg', async () => {
    const program = g.buildDemo();
    const dc = await g.listeningClient(['--listen=127.0.0.1:0']);
    await runToBreakpoint(dc, VSCODE_INITIALIZE, { type: 'go', request: 'launch', mode: 'exec', program }, BREAK_MAIN);
    const first = dc.programPid();
    const stopped = dc.waitForEvent('stopped');
    await dc.restartRequest({});
    await stopped;
    assert.strictEqual((await g.topFrame(dc, 1)).line, BREAK_MAIN);
    assert.ok(await g.gone(first), 'the first run was killed');
    await dc.disconnectRequest({});
    assert.strictEqual(await g.exited(dc.adapter), 0);
    dc.assertValid();
  });
});
