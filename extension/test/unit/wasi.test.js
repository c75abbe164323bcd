// Unit tests for the WASI shim (src/wasi.js), driven through a plain
// WebAssembly.Memory the way the Go runtime calls it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createWasi, ERRNO, RANDOM_CHUNK, WasiExit } from '../../src/wasi.js';

function setup(opts) {
  const memory = new WebAssembly.Memory({ initial: 4 }); // 256 KiB
  const wasi = createWasi(opts);
  wasi.setMemory(memory);
  return { memory, wasi, imp: wasi.imports, dv: () => new DataView(memory.buffer) };
}

test('fd_write gathers iovecs, reports bytes written and hands stderr text to the callback', () => {
  const got = [];
  const { memory, imp, dv, wasi } = setup({ output: (fd, text) => got.push([fd, text]) });
  const mem = new Uint8Array(memory.buffer);
  const enc = new TextEncoder();
  mem.set(enc.encode('panic: '), 1000);
  mem.set(enc.encode('héllo\n'), 2000);
  dv().setUint32(100, 1000, true); dv().setUint32(104, 7, true);
  dv().setUint32(108, 2000, true); dv().setUint32(112, 7, true);
  assert.equal(imp.fd_write(2, 100, 2, 200), ERRNO.SUCCESS);
  assert.equal(dv().getUint32(200, true), 14);
  assert.deepEqual(got, [[2, 'panic: héllo\n']]);
  assert.equal(wasi.lastOutput, 'panic: héllo\n');
});

test('fd_write to an fd other than 1 and 2 is EBADF', () => {
  const { imp } = setup();
  assert.equal(imp.fd_write(3, 0, 0, 0), ERRNO.BADF);
  assert.equal(imp.fd_write(0, 0, 0, 0), ERRNO.BADF);
});

test('fd_write outside memory is EFAULT, not a crash', () => {
  const { imp, dv, memory } = setup();
  dv().setUint32(100, memory.buffer.byteLength - 2, true); dv().setUint32(104, 10, true);
  assert.equal(imp.fd_write(2, 100, 1, 200), ERRNO.FAULT);
});

test('random_get fills large buffers in chunks of at most 64 KiB', () => {
  const sizes = [];
  const { memory, imp } = setup({ randomFill: (b) => { sizes.push(b.length); b.fill(7); } });
  const len = RANDOM_CHUNK * 2 + 100;
  assert.equal(imp.random_get(16, len), ERRNO.SUCCESS);
  assert.deepEqual(sizes, [RANDOM_CHUNK, RANDOM_CHUNK, 100]);
  const mem = new Uint8Array(memory.buffer);
  assert.equal(mem[15], 0);
  assert.equal(mem[16], 7);
  assert.equal(mem[16 + len - 1], 7);
  assert.equal(mem[16 + len], 0);
});

test('random_get with the real crypto gives different bytes each call', () => {
  const { memory, imp } = setup();
  imp.random_get(0, 32); const a = new Uint8Array(memory.buffer).slice(0, 32);
  imp.random_get(0, 32); const b = new Uint8Array(memory.buffer).slice(0, 32);
  assert.notDeepEqual(a, b);
  assert.equal(imp.random_get(memory.buffer.byteLength - 4, 8), ERRNO.FAULT);
});

test('clock_time_get returns nanoseconds for realtime and monotonic clocks', () => {
  const { imp, dv } = setup({ now: () => 1700000000123, monotonic: () => 42.5 });
  assert.equal(imp.clock_time_get(0, 1n, 64), ERRNO.SUCCESS);
  assert.equal(dv().getBigUint64(64, true), 1700000000123000000n);
  assert.equal(imp.clock_time_get(1, 1n, 64), ERRNO.SUCCESS);
  assert.equal(dv().getBigUint64(64, true), 42500000n);
  assert.equal(imp.clock_time_get(9, 1n, 64), ERRNO.INVAL);
});

test('args and environ are empty', () => {
  const { imp, dv } = setup();
  dv().setUint32(0, 99, true); dv().setUint32(4, 99, true);
  assert.equal(imp.args_sizes_get(0, 4), ERRNO.SUCCESS);
  assert.equal(dv().getUint32(0, true), 0);
  assert.equal(dv().getUint32(4, true), 0);
  dv().setUint32(8, 99, true); dv().setUint32(12, 99, true);
  assert.equal(imp.environ_sizes_get(8, 12), ERRNO.SUCCESS);
  assert.equal(dv().getUint32(8, true), 0);
  assert.equal(dv().getUint32(12, true), 0);
  assert.equal(imp.args_get(0, 0), ERRNO.SUCCESS);
  assert.equal(imp.environ_get(0, 0), ERRNO.SUCCESS);
});

test('proc_exit throws WasiExit with the code', () => {
  const { imp } = setup();
  assert.throws(() => imp.proc_exit(3), (e) => e instanceof WasiExit && e.code === 3);
});

test('poll_oneoff reports every clock subscription as done at once', () => {
  const { imp, dv } = setup();
  dv().setBigUint64(0, 77n, true); dv().setUint8(8, 0); // clock subscription
  dv().setBigUint64(48, 78n, true); dv().setUint8(56, 1); // fd_read subscription
  assert.equal(imp.poll_oneoff(0, 200, 2, 400), ERRNO.SUCCESS);
  assert.equal(dv().getUint32(400, true), 2);
  assert.equal(dv().getBigUint64(200, true), 77n);
  assert.equal(dv().getUint16(208, true), ERRNO.SUCCESS);
  assert.equal(dv().getBigUint64(232, true), 78n);
  assert.equal(dv().getUint16(240, true), ERRNO.NOSYS);
  assert.equal(dv().getUint8(242), 1);
});

test('the shim re-reads memory.buffer after the memory grows', () => {
  const { memory, imp, dv } = setup();
  memory.grow(1);
  const top = memory.buffer.byteLength - 8;
  assert.equal(imp.clock_time_get(0, 1n, top), ERRNO.SUCCESS);
  assert.ok(dv().getBigUint64(top, true) > 0n);
});

test('calls before setMemory fail clearly', () => {
  const wasi = createWasi();
  assert.throws(() => wasi.imports.random_get(0, 4), /setMemory/);
});

test('imports beyond the ten Go uses answer ENOSYS or EBADF instead of failing instantiation', () => {
  const { imp, dv } = setup();
  assert.equal(imp.path_open(0, 0, 0, 0, 0, 0n, 0n, 0, 0), ERRNO.NOSYS);
  assert.equal(imp.fd_close(5), ERRNO.BADF);
  assert.equal(imp.fd_fdstat_get(2, 64), ERRNO.SUCCESS);
  assert.equal(dv().getUint8(64), 2);
  assert.equal(imp.fd_fdstat_get(7, 64), ERRNO.BADF);
});
