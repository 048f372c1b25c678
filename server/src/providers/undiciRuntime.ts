/**
 * What httpDispatcher.ts needs from the undici package, imported the first time a call needs a proxy or
 * extra CA certificates. A module of our own in between, not `import('undici')` itself: undici is
 * CommonJS, and in the ES module server bundle a lazily imported CommonJS package becomes a chunk with a
 * default export only, so named exports read from it would be undefined.
 */
export { Agent, fetch, ProxyAgent } from 'undici';
