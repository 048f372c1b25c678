// "Extract entities" as a person uses it, in a real VS Code (code-server + Chromium): open a text file,
// select its text, see the Tollgate code action offered, run "Tollgate: Extract Entities", pick a
// workspace schema by its title, and see the validated JSON open beside the source. The fake provider
// answers and records what reached it.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { waitFor } from './harness/timeout';
import { answerInputBox, pickQuickItem, runCommand } from './harness/workbench';

const KEY = 'sk-ant-e2e-extract-0001';
const STEP_MS = 30_000;
const personSchema = {
  title: 'Person record',
  description: 'One person named in the text.',
  type: 'object',
  properties: { name: { type: 'string' }, born: { type: 'integer' } },
  required: ['name', 'born'],
  additionalProperties: false,
};

describe('extract entities in a real VS Code', { timeout: 300_000 }, () => {
  const teardown = new Teardown();
  let session: Session | undefined;

  before(async () => {
    session = await startSession(teardown, 'extract', {
      workspaceFiles: {
        'schemas/person.schema.json': JSON.stringify(personSchema, null, 2),
        'notes.txt': 'Ada Lovelace was born in 1815 in London.\n',
      },
    });
  });
  after(async () => {
    await teardown.run();
  });

  const shot = <T>(name: string, body: (s: Session) => Promise<T>) => screenshotOnFailure(session, name, body);

  test('the code action appears on a selection, and the command extracts validated JSON with a workspace schema', () =>
    shot('extract', async ({ browser, fake }) => {
      const { page } = browser;
      await runCommand(page, 'Tollgate: Set API Key');
      await pickQuickItem(page, 'Anthropic');
      await answerInputBox(page, KEY);

      // Open notes.txt with Quick Open and select all of it.
      // Pick the file's row once the search has listed it: Enter pressed before that opens nothing.
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('notes.txt');
      await pickQuickItem(page, 'notes.txt');
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.view-lines').filter({ hasText: 'Ada Lovelace' }).waitFor({ timeout: STEP_MS });
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+A');

      // The language server offers its code action on the selection (Ctrl+. opens the code action menu).
      await waitFor(
        async () => {
          // Select again each time: the Escape that closes an empty menu also clears the selection.
          await page.keyboard.press('Control+A');
          await page.keyboard.press('Control+.');
          const offered = page.locator('.action-widget').filter({ hasText: 'Extract entities with Tollgate' });
          // `isVisible` does not wait; the menu takes a moment (longer on a busy machine) to open.
          if (await offered.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) {
            return true;
          }
          await page.keyboard.press('Escape');
          return undefined;
        },
        STEP_MS,
        'the "Extract entities with Tollgate" code action on the selection',
      );
      await page.keyboard.press('Escape');
      console.log(`screenshot: ${await browser.screenshot('extract-code-action')}`);

      await fake.reset();
      await fake.enqueue([{ type: 'text', chunks: ['{"name": "Ada Lovelace", ', '"born": 1815}'] }]);
      await runCommand(page, 'Tollgate: Extract Entities');
      await pickQuickItem(page, 'Person record');

      // The validated JSON opens beside the source, as an untitled JSON document.
      const result = page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: '1815' }).filter({ hasText: '"born"' });
      await result.first().waitFor({ timeout: STEP_MS });
      const shown = (await result.first().innerText()).replace(/\u00a0/g, ' ');
      assert.deepEqual(JSON.parse(shown), { name: 'Ada Lovelace', born: 1815 });
      await page.getByText('validates against schemas/person.schema.json').first().waitFor({ timeout: STEP_MS });

      const requests = await fake.requests();
      assert.equal(requests.length, 1, `The fake saw ${requests.length} requests; expected one (native mode).`);
      const body = requests[0]?.body as { output_config?: { format?: { schema?: { required?: string[] } } }; messages?: unknown };
      assert.deepEqual(body.output_config?.format?.schema?.required, ['name', 'born'], 'The workspace schema was not sent as the output format.');
      assert.ok(JSON.stringify(body.messages).includes('Ada Lovelace was born in 1815'), 'The selection is not in the request.');
      console.log(`screenshot: ${await browser.screenshot('extract-result')}`);
    }),
  );
});
