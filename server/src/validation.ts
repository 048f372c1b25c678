/**
 * The schema library for the server's (and the shared settings') input checks: zod's `zod/mini` API.
 *
 * Full `zod` builds every schema class with all its methods as soon as it is imported: about 5 MB of
 * resident memory in the server, and 254 KB of every bundle that imports it. `zod/mini` is the same
 * validator (same core, same issues) behind plain functions that esbuild leaves out when unused: 0.3 MB.
 * Unlike full zod it loads no error messages by itself; English is configured here, so every issue reads
 * exactly as before ("Too small: expected number to be >=1"). Import it as `import * as z from './validation'`,
 * never from zod: a namespace import lets esbuild drop what is unused, a re-exported namespace object would not.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
