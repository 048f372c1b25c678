// The V8 flags the server sets on itself at startup (server/src/nodeFlags.ts, serverRuntimeV8Flags):
// with them, hot WebAssembly (Node's fetch parses HTTP with llhttp compiled to wasm) stays on Liftoff and
// never pays for a TurboFan compilation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { applyServerRuntimeFlags, serverRuntimeV8Flags } from '../../server/src/nodeFlags';

/**
 * Runs a wasm function hot enough for V8's dynamic tiering to recompile it with TurboFan, in a fresh Node
 * process that first sets `flags` as the server does (the last test checks applyServerRuntimeFlags sets
 * exactly serverRuntimeV8Flags), and says whether it is still Liftoff code. `%IsLiftoffFunction` is a V8 test intrinsic, hence --allow-natives-syntax, and `new Function` so
 * that only V8 parses the `%`.
 */
function staysOnLiftoff(flags: readonly string[]): boolean {
  const script = `
    for (const flag of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(flag);
    // (module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,6,1,96,1,127,1,127,3,2,1,0,7,5,1,1,102,0,0,10,9,1,7,0,32,0,65,1,106,11]);
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    for (let i = 0; i < 3e6; i++) f(i);
    process.stdout.write(String(new Function('f', 'return %IsLiftoffFunction(f)')(f)));
  `;
  const output = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
  return output.trim() === 'true';
}

test('with the server runtime flags, hot WebAssembly stays on Liftoff (no TurboFan compilation)', () => {
  assert.equal(staysOnLiftoff(serverRuntimeV8Flags), true);
});

test('without them, the same hot function is recompiled with TurboFan (what the flags prevent)', () => {
  assert.equal(staysOnLiftoff([]), false);
});

test('every runtime flag is set on the process, in order', () => {
  const set: string[] = [];
  applyServerRuntimeFlags((flag) => set.push(flag));
  assert.deepEqual(set, [...serverRuntimeV8Flags]);
  assert.ok(serverRuntimeV8Flags.includes('--liftoff-only'));
});
