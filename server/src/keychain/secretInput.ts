/**
 * Reads an API key from standard input without showing it: typed (or pasted) at a terminal with echo off,
 * or piped (`pass show anthropic | node dist/server/server.js keys set anthropic`). The key never reaches
 * the command line, where the shell history and `ps` would keep it.
 */

/** What a terminal sends for keys that are not text (arrows, function keys, bracketed paste marks). */
const escapeSequence = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g;

export interface SecretInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/**
 * Resolves with what was typed or piped, without its line ending; `undefined` when the user gave up
 * (Ctrl-C, or Ctrl-D on an empty line). `prompt` is written to `output` at a terminal only.
 */
export function readSecret(input: SecretInput, output: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  return input.isTTY && input.setRawMode ? readFromTerminal(input, output, prompt) : readPiped(input);
}

async function readPiped(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  }
  return text.replace(/\r?\n$/, '');
}

/** Raw mode: the terminal shows nothing, and each key arrives as typed, Enter included. */
function readFromTerminal(input: SecretInput, output: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  output.write(prompt);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve) => {
    let typed = '';
    const done = (value: string | undefined) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: string | Buffer) => {
      const text = (typeof chunk === 'string' ? chunk : chunk.toString('utf8')).replace(escapeSequence, '');
      for (const char of text) {
        if (char === '\r' || char === '\n') {
          return done(typed);
        }
        if (char === '\u0003' || (char === '\u0004' && typed === '')) {
          return done(undefined);
        }
        if (char === '\u007f' || char === '\b') {
          typed = Array.from(typed).slice(0, -1).join('');
        } else if (char === '\u0015') {
          typed = '';
        } else if (char >= ' ') {
          typed += char;
        }
      }
      return undefined;
    };
    input.on('data', onData);
  });
}
