// Every message godbg sends, checked against the protocol's own types: the JSON schema of each
// message is made from the debugProtocol.d.ts that @vscode/debugprotocol ships (the package has
// no .json of it), once, and cached next to node_modules.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const protocolDir = path.dirname(require.resolve('@vscode/debugprotocol/package.json'));
const version = require('@vscode/debugprotocol/package.json').version;
const cacheFile = path.join(__dirname, '..', 'node_modules', `.godbg-dap-schema-${version}.json`);

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
let cache = null;
let generator = null;
let dirty = false;

function load() {
  if (cache) return cache;
  try {
    cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    cache = {};
  }
  return cache;
}

function schemaOf(typeName) {
  const c = load();
  if (c[typeName] === undefined) {
    if (!generator) {
      const tsj = require('ts-json-schema-generator');
      generator = tsj.createGenerator({
        path: path.join(protocolDir, 'lib', 'debugProtocol.d.ts'),
        skipTypeCheck: true,
        expose: 'all',
        topRef: false,
        additionalProperties: true,
      });
    }
    try {
      c[typeName] = generator.createSchema(`DebugProtocol.${typeName}`);
    } catch {
      c[typeName] = null;  // no such type in the protocol
    }
    dirty = true;
  }
  return c[typeName];
}

function save() {
  if (!dirty) return;
  try {
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    dirty = false;
  } catch {
    // a read-only tree: generate again next time
  }
}

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map();

function validatorFor(typeName) {
  if (!compiled.has(typeName)) {
    const s = schemaOf(typeName);
    compiled.set(typeName, s ? ajv.compile(s) : null);
  }
  return compiled.get(typeName);
}

// The protocol type a message must be, and whether the protocol defines one for it.
function typeNameOf(msg) {
  if (msg.type === 'response') {
    if (!msg.success) return 'ErrorResponse';
    const t = `${capital(msg.command)}Response`;
    return validatorFor(t) ? t : 'Response';  // custom requests (godbg.startup)
  }
  if (msg.type === 'event') {
    const t = `${capital(msg.event)}Event`;
    return validatorFor(t) ? t : 'Event';
  }
  return 'ProtocolMessage';
}

// Throws when msg is not what the protocol says a message of its kind is.
function validate(msg) {
  if (!['response', 'event', 'request'].includes(msg.type))
    throw new Error(`message type ${JSON.stringify(msg.type)}: ${JSON.stringify(msg)}`);
  const t = typeNameOf(msg);
  const v = validatorFor(t);
  if (!v(msg)) {
    throw new Error(
      `${t} does not match the protocol: ${ajv.errorsText(v.errors)}\n${JSON.stringify(msg).slice(0, 2000)}`);
  }
  // What the .d.ts can only say in comments.
  if (msg.type === 'response' && msg.success === false && typeof msg.message !== 'string')
    throw new Error(`an error response without a message: ${JSON.stringify(msg)}`);
  save();
  return t;
}

// Makes the schema of every response and event the protocol defines, so no test waits for it
// (setup.sh runs this once after npm ci).
function warm() {
  const dts = fs.readFileSync(path.join(protocolDir, 'lib', 'debugProtocol.d.ts'), 'utf8');
  // With godbg's own request, which has none (validated as a plain Response).
  const names = new Set(['ProtocolMessage', 'Response', 'Event', 'ErrorResponse', 'Godbg.startupResponse']);
  for (const m of dts.matchAll(/interface (\w+(?:Response|Event)) extends/g)) names.add(m[1]);
  for (const n of names) schemaOf(n);
  save();
  return names.size;
}

module.exports = { validate, typeNameOf, warm };
