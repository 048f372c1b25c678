/**
 * Figures that need a real VS Code (code-server + Chromium, through the e2e harness): long tasks in the
 * chat view while a long answer streams at a model's pace, and the extension's activation time as VS Code
 * itself reports it (Developer: Show Running Extensions = code loading + the activate() call).
 */
import { repoRoot } from '../test/e2e/harness/paths';
import { Teardown } from '../test/e2e/harness/teardown';
import { startSession } from '../test/e2e/harness/session';
import { answerInputBox, pickQuickItem, runCommand, webviewFrame } from '../test/e2e/harness/workbench';
import { emptyExtensionName, emptyExtensionVsix } from './emptyExtension';
import { figure, type Figure, unavailable } from './stats';

const TOKENS = 20_000;
const TOKENS_PER_SECOND = 1_000;
const RUNS = 3;
const LONG_TASK_MS = 50;
const STEP_MS = 30_000;
/**
 * The stream lasts TOKENS / TOKENS_PER_SECOND = 20 s. A view still rendering long after that has failed
 * the figure anyway: the run is counted with what it saw so far, and no further run is stacked on it.
 */
const STREAM_TIMEOUT_MS = 60_000;

/** A one-token chunk, words of varying length so the markdown renderer sees ordinary prose. */
const token = (i: number) => (i % 17 === 16 ? `word${i % 101}.\n\n` : `word${i % 101} `);

interface LongTaskReport {
  count: number;
  longestMs: number;
  supported: boolean;
}

/** Where the observer in the webview frame keeps what it saw, between two `evaluate` calls. */
type BenchGlobal = typeof globalThis & { __tollgateBenchLongTasks?: number[]; __tollgateBenchObserver?: { disconnect(): void } };

/** The browser's MutationObserver and DOM, typed here for the same reason. */
interface BrowserMutationObserver {
  new (callback: () => void): { observe(target: unknown, options: object): void; disconnect(): void };
}
interface BrowserDocument {
  body: unknown;
  querySelectorAll(selector: string): { length: number };
}

/** The browser's PerformanceObserver, typed here because this project compiles against Node's types. */
interface BrowserObserver {
  new (callback: (list: { getEntries(): { duration: number }[] }) => void): { observe(options: { type: string }): void; disconnect(): void };
  supportedEntryTypes: readonly string[];
}

export async function measureInVsCode(log: (line: string) => void): Promise<Figure[]> {
  const teardown = new Teardown();
  const figures: Figure[] = [];
  try {
    const { browser, fake } = await startSession(teardown, 'bench', {
      extraVsixFiles: [emptyExtensionVsix(repoRoot(), teardown)],
    });
    const { page } = browser;
    log('vscode: session started');
    await runCommand(page, 'Tollgate: Set API Key');
    await pickQuickItem(page, 'Anthropic');
    await answerInputBox(page, 'sk-ant-bench-0000');
    await runCommand(page, 'Tollgate: Open Chat');
    const chat = webviewFrame(page);
    const body = chat.locator('body');

    const counts: number[] = [];
    const longest: number[] = [];
    let unfinished = '';
    for (let run = 0; run < RUNS; run++) {
      await fake.enqueue([
        { type: 'text', chunks: Array.from({ length: TOKENS }, (_, i) => token(i)), chunksPerSecond: TOKENS_PER_SECOND },
      ]);
      // The observer lives in the chat view's own frame, where its rendering happens.
      const supported = await body.evaluate((_, threshold) => {
        const Observer = (globalThis as unknown as { PerformanceObserver: BrowserObserver }).PerformanceObserver;
        if (!Observer.supportedEntryTypes.includes('longtask')) {
          return false;
        }
        const durations: number[] = [];
        (globalThis as BenchGlobal).__tollgateBenchLongTasks = durations;
        const observer = new Observer((list) => {
          for (const entry of list.getEntries()) {
            if (entry.duration > threshold) {
              durations.push(entry.duration);
            }
          }
        });
        observer.observe({ type: 'longtask' });
        (globalThis as BenchGlobal).__tollgateBenchObserver = observer;
        return true;
      }, LONG_TASK_MS);
      if (!supported) {
        return [unavailable('webviewLongTasks', 'tasks', { max: 0 }, "this Chromium's webview reports no 'longtask' entries")];
      }
      await chat.getByTestId('prompt').fill(`Benchmark run ${run + 1}: stream ${TOKENS} tokens.`, { timeout: STEP_MS });
      await chat.getByTestId('send').click({ timeout: STEP_MS });
      // Waits in the frame for the answer's data-state to change, instead of Playwright polling the whole
      // view with its query engine while it streams: that polling runs in the measured frame, costs more
      // as the transcript grows, and is no work the chat view does.
      const finished = await body.evaluate(
        (_, { answers, timeoutMs }) =>
          new Promise<boolean>((resolve) => {
            // No named helpers in here: tsx would wrap them in a `__name` call the page does not have.
            const scope = globalThis as unknown as { MutationObserver: BrowserMutationObserver; document: BrowserDocument };
            const doneAnswers = '[data-testid="message-assistant"][data-state="done"]';
            const observer = new scope.MutationObserver(() => {
              if (scope.document.querySelectorAll(doneAnswers).length >= answers) {
                observer.disconnect();
                clearTimeout(timer);
                resolve(true);
              }
            });
            const timer = setTimeout(() => {
              observer.disconnect();
              resolve(scope.document.querySelectorAll(doneAnswers).length >= answers);
            }, timeoutMs);
            observer.observe(scope.document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
            if (scope.document.querySelectorAll(doneAnswers).length >= answers) {
              observer.disconnect();
              clearTimeout(timer);
              resolve(true);
            }
          }),
        { answers: run + 1, timeoutMs: STREAM_TIMEOUT_MS },
      );
      const report = await body.evaluate((): LongTaskReport => {
        const bench = globalThis as BenchGlobal;
        bench.__tollgateBenchObserver?.disconnect();
        const durations = bench.__tollgateBenchLongTasks ?? [];
        return { count: durations.length, longestMs: Math.max(0, ...durations), supported: true };
      });
      counts.push(report.count);
      longest.push(report.longestMs);
      log(`vscode: run ${run + 1}: ${report.count} long tasks, longest ${report.longestMs.toFixed(0)} ms${finished ? '' : ', unfinished'}`);
      if (!finished) {
        unfinished = `; run ${run + 1} was still rendering ${STREAM_TIMEOUT_MS / 1000} s after it started (counted so far), so no further run`;
        break;
      }
    }
    figures.push(
      figure('webviewLongTasks', 'tasks', counts, {
        goal: { max: 0 },
        note: `long tasks > ${LONG_TASK_MS} ms in the chat view's frame while ${TOKENS.toLocaleString('en-US')} tokens stream at ${TOKENS_PER_SECOND.toLocaleString('en-US')}/s (run n adds to a transcript of n−1 such answers); longest per run: ${longest.map((ms) => ms.toFixed(0)).join(', ')} ms${unfinished}`,
      }),
    );
    figures.push(await activationTime(page, log));
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    for (const [name, unit, goal] of [
      ['webviewLongTasks', 'tasks', { max: 0 }],
      ['activationMs', 'ms', { max: 20 }],
    ] as const) {
      if (!figures.some((f) => f.name === name)) {
        figures.push(unavailable(name, unit, goal, `the real VS Code run failed: ${why ?? 'unknown error'}`));
      }
    }
  } finally {
    await teardown.run().catch((error: unknown) => log(`vscode: teardown: ${String(error)}`));
  }
  return figures;
}

/**
 * VS Code's own figure from the Running Extensions editor: "Activation: N ms" on Tollgate's row, with the
 * empty extension's row in the same session as the baseline (see emptyExtension.ts).
 */
async function activationTime(page: import('playwright-core').Page, log: (line: string) => void): Promise<Figure> {
  // The editor's list renders only the rows in view, slowest first: a tall window shows every row.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: viewport?.width ?? 1400, height: 3000 });
  await runCommand(page, 'Developer: Show Running Extensions');
  const rowText = async (name: string) => {
    const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: name }).first();
    const time = row.locator('.activation-time');
    // Seen once: the editor opened after the window grew but never drew its rows; opening it
    // again draws them.
    await time.waitFor({ timeout: STEP_MS }).catch(async () => {
      log(`vscode: no row for ${name} in the Running Extensions editor yet; opening it again`);
      await runCommand(page, 'Developer: Show Running Extensions');
    });
    const text = (await time.innerText({ timeout: STEP_MS })).trim();
    log(`vscode: Running Extensions says "${text}" for ${name}`);
    return { text, ms: /([\d.]+)\s*ms/.exec(text)?.[1] };
  };
  const tollgate = await rowText('Tollgate');
  const empty = await rowText(emptyExtensionName);
  if (viewport) {
    await page.setViewportSize(viewport);
  }
  if (tollgate.ms === undefined) {
    return unavailable('activationMs', 'ms', { max: 20 }, `the Running Extensions editor shows "${tollgate.text}", not a time`);
  }
  return figure('activationMs', 'ms', [Number(tollgate.ms)], {
    goal: { max: 20 },
    ...(empty.ms !== undefined ? { baseline: { label: 'an empty extension', runs: [Number(empty.ms)] } } : {}),
    note:
      "VS Code's Running Extensions editor (code loading + activate()), one activation per session in code-server's " +
      'extension host, at start-up beside the built-in extensions; the baseline is an extension whose activate() is ' +
      "empty, activated on the same event in the same session: VS Code's code-loading timer spans an await during " +
      "which other extensions' work runs, so the figure carries start-up contention that no extension's code controls. " +
      'Activation loads dist/client/extension.js only (see clientBundleBytes); the features load on the next turn',
  });
}
