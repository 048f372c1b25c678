// The compact counter (server/src/budget/compactBpe.ts) against gpt-tokenizer itself, token count for token
// count, on text of every kind a prompt carries: code, prose in several scripts, emoji, long runs of one
// character class (which take the merge path), whitespace and special-token text.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import cl100kRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';
import o200kRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { CompactBpe } from '../../server/src/budget/compactBpe';

const samples = [
  'Hello, world! How are you today?',
  'héllo wörld — naïve café, Ünïcödé',
  '你好，世界。今日は良い天気ですね。안녕하세요 세계',
  'Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم',
  '🙂🙃 👩‍👩‍👧‍👦 🇫🇷 emoji with ZWJ sequences and flags',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'x'.repeat(5_000),
  'QmFzZTY0IGVuY29kZWQgdGV4dCB0aGF0IGlzIG9uZSBsb25nIHdvcmQ=',
  '1234567890 3.14159 1e-9 0xDEADBEEF 2026-11-28T15:30:00Z',
  "don't won't I'LL we've THEY'RE it's",
  '  \t\n\n\r\n   trailing   \n',
  'text with <|endoftext|> and <|im_start|>user<|im_end|> inside',
  'function add(a: number, b: number): number {\n  return a + b;\n}\n',
  String.fromCharCode(0xd83d) + ' a lone surrogate',
];

/** Every .d.ts of the openai package: ~1 MB of real code and doc comments. */
function codeCorpus(): string[] {
  const dir = join(process.cwd(), 'node_modules', 'openai', 'resources');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.d.ts'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

for (const [name, ranks, pattern] of [
  ['o200k_base', o200kRanks, O200K_TOKEN_SPLIT_REGEX],
  ['cl100k_base', cl100kRanks, CL100K_TOKEN_SPLIT_REGEX],
] as const) {
  test(`${name}: the compact counter counts exactly what gpt-tokenizer counts`, () => {
    const reference = GptEncoding.getEncodingApi(name, () => ranks);
    const compact = new CompactBpe(ranks, pattern);
    const texts = [...samples, ...codeCorpus()];
    assert.ok(texts.join('').length > 500_000);
    for (const text of texts) {
      assert.equal(compact.count(text), reference.countTokens(text, { disallowedSpecial: new Set() }), `counts differ for ${JSON.stringify(text.slice(0, 60))}`);
    }
  });
}
