import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the language server process. The extension (client/src/languageClient.ts) and the
 * benchmark (bench/serverProcess.ts) both start the server with them.
 *
 * Each chat allocates short-lived objects at a high rate (SSE chunks, JSON-RPC frames, token counts); with
 * V8's defaults the young generation grows to 16 MB semi-spaces and the old generation is collected only
 * after it doubles, so a server holding ~30 MB of live objects sat at ~180 MB after 1,000 chats and kept
 * growing (heap snapshots: +2 MB of live objects, the rest uncollected garbage). `--optimize-for-size`
 * makes V8 grow the heap in smaller steps and release memory sooner, a 1 MB semi-space keeps the young
 * generation small: measured 111 MB instead of 184 MB after 1,100 chats, with time to first delta and
 * chunks per second unchanged within noise (servers with and without the flags, chats interleaved).
 * `--expose-gc` lets the server collect once when it goes quiet after work (idleCollection.ts).
 */
export const serverNodeFlags: readonly string[] = ['--optimize-for-size', '--max-semi-space-size=1', '--expose-gc'];

/**
 * V8 flags the server sets on itself as it starts (server.ts, `applyServerRuntimeFlags`), so they hold
 * however it was started: by the extension, by the benchmark, or by hand as the standalone server. Each
 * must be one V8 reads when it uses it, not when the process starts.
 *
 * `--liftoff-only`: the provider SDKs call `fetch`, and Node's fetch parses HTTP responses with llhttp
 * compiled to WebAssembly. V8 first compiles it with Liftoff, its baseline compiler, then, once the parser
 * is hot (within the first ~10 chats), recompiles its state-machine function with TurboFan, whose
 * compilation needed ~29 MB of malloc'ed memory at once (`v8.getHeapStatistics().peak_malloced_memory`:
 * 4.7 MB with the flag, 33 MB without). glibc's main arena grew to ~37 MB for that, and whatever the server
 * allocated meanwhile stayed above the freed space, so the arena kept 10–37 MB at rest instead of ~11 MB
 * (/proc/<pid>/smaps `[heap]`, malloc_info: 4–9 MB of it free but resident): the ±9 MB swing of
 * `serverRssMb`. Liftoff's code parses a few dozen bytes per SSE event; the pipeline's time to first
 * delta and chunks per second did not move beyond noise (interleaved runs, bench/pipeline.ts).
 */
export const serverRuntimeV8Flags: readonly string[] = ['--liftoff-only'];

/** Sets `serverRuntimeV8Flags` on this process; call it before the first request (server.ts does). */
export function applyServerRuntimeFlags(setFlags: (flag: string) => void = setFlagsFromString): void {
  for (const flag of serverRuntimeV8Flags) {
    setFlags(flag);
  }
}

/**
 * Environment variables the server process starts with (client/src/serverEnvironment.ts puts them under the
 * user's own environment, so a value the user set wins; the benchmark starts the server with them too).
 *
 * glibc's malloc gives threads that allocate at the same time arenas of their own, up to 8 per core, and
 * memory freed inside an arena stays resident. The server's JavaScript runs on one thread, but V8's worker
 * threads (concurrent marking, sweeping, compiling) and libuv's pool allocate alongside it, and their arenas
 * held ~10 MB that the V8 heap, at rest, no longer used (/proc/<pid>/smaps: the anonymous mappings shrank,
 * the V8 heap and the main arena did not). One arena: RSS at rest after 1,100 chats ~92 MB instead of
 * ~103 MB, time to first delta and chunks per second unchanged within noise (interleaved runs). Other
 * C libraries (macOS, Windows, musl) ignore the variable.
 */
export const serverProcessEnvironment: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };
