// Out-of-process fake provider for the e2e tests and the offline demo:
//   node --import tsx test/fake-provider/cli.ts [--port N] [--host H]
// Prints one line of JSON ({url, anthropicBaseUrl, openaiBaseUrl}) once listening; script it through the
// /__fake/* control endpoints; stops on SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { startFakeProvider } from './server';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer from 0 to 65535, got "${values.port}".`);
  process.exit(2);
}

/** Starts the fake, announces where it listens, and stops it on a termination signal. */
async function main(): Promise<void> {
  const fake = await startFakeProvider({ port, host: values.host });
  console.log(JSON.stringify({ url: fake.url, anthropicBaseUrl: fake.anthropicBaseUrl, openaiBaseUrl: fake.openaiBaseUrl }));
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// The package is CommonJS, so no top-level await; a failure to listen (port taken …) must still exit non-zero.
main().catch((error: unknown) => {
  console.error(`The fake provider could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
