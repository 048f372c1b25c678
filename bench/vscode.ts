/**
 * Figures that need a real VS Code (code-server + Chromium, through the e2e harness): long tasks in the
 * chat view while a long answer streams at a model's pace, and the extension's activation time, by the
 * extension host's own performance marks and as the Running Extensions editor shows it (activation.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/e2e/harness/paths';
import { Teardown } from '../test/e2e/harness/teardown';
import { startSession } from '../test/e2e/harness/session';
import { answerInputBox, pickQuickItem, runCommand, webviewFrame } from '../test/e2e/harness/workbench';
import { type ActivationSample, activationFigures, activationSettings, readActivation, reloadWindow, SAMPLES } from './activation';
import { emptyExtensionVsix } from './emptyExtension';
import { marksProbe } from './extensionHostMarks';
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
  /** Of `count`, the tasks the browser attributes to the chat view's own frame ('self'). */
  ownFrame: number;
  supported: boolean;
}

/** One long task: its length, and whose it was by the Long Tasks API ('self', 'same-origin-ancestor', …). */
interface LongTask {
  durationMs: number;
  culprit: string;
}

/** Where the observer in the webview frame keeps what it saw, between two `evaluate` calls. */
type BenchGlobal = typeof globalThis & { __tollgateBenchLongTasks?: LongTask[]; __tollgateBenchObserver?: { disconnect(): void } };

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
  new (callback: (list: { getEntries(): { duration: number; name: string }[] }) => void): { observe(options: { type: string }): void; disconnect(): void };
  supportedEntryTypes: readonly string[];
}

export async function measureInVsCode(log: (line: string) => void): Promise<Figure[]> {
  const teardown = new Teardown();
  const figures: Figure[] = [];
  try {
    const marksDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-marks-'));
    teardown.defer('the marks folder', () => rmSync(marksDir, { recursive: true, force: true }));
    const probe = marksProbe(repoRoot(), marksDir, teardown);
    const { browser, fake } = await startSession(teardown, 'bench', {
      extraVsixFiles: [emptyExtensionVsix(repoRoot(), teardown), probe.vsix],
      settings: activationSettings,
    });
    const { page } = browser;
    log('vscode: session started');
    // The first activation sample is this window's start, read before any Tollgate command could activate
    // Tollgate on another event; the others come from reloads after the chat view's runs (activation.ts).
    const samples: ActivationSample[] = [];
    const failures: string[] = [];
    const sample = async (label: string) => {
      try {
        samples.push(await readActivation(page, probe, log));
      } catch (error) {
        failures.push(`${label}: ${firstLine(error)}`);
        log(`vscode: no activation reading for ${label}: ${firstLine(error)}`);
      }
    };
    await sample('the first start');
    await runCommand(page, 'Tollgate: Set API Key');
    await pickQuickItem(page, 'Anthropic');
    await answerInputBox(page, 'sk-ant-bench-0000');
    await runCommand(page, 'Tollgate: Open Chat');
    const chat = webviewFrame(page);
    const body = chat.locator('body');

    const counts: number[] = [];
    const longest: number[] = [];
    const ownFrame: number[] = [];
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
        const tasks: LongTask[] = [];
        (globalThis as BenchGlobal).__tollgateBenchLongTasks = tasks;
        const observer = new Observer((list) => {
          for (const entry of list.getEntries()) {
            if (entry.duration > threshold) {
              // The frames of one origin share an event loop, so this frame also sees the tasks of the
              // workbench around it; `name` says whose a task was.
              tasks.push({ durationMs: entry.duration, culprit: entry.name });
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
        const tasks = bench.__tollgateBenchLongTasks ?? [];
        return {
          count: tasks.length,
          longestMs: Math.max(0, ...tasks.map((task) => task.durationMs)),
          ownFrame: tasks.filter((task) => task.culprit === 'self').length,
          supported: true,
        };
      });
      counts.push(report.count);
      longest.push(report.longestMs);
      ownFrame.push(report.ownFrame);
      log(`vscode: run ${run + 1}: ${report.count} long tasks (${report.ownFrame} in the chat view's own frame), longest ${report.longestMs.toFixed(0)} ms${finished ? '' : ', unfinished'}`);
      if (!finished) {
        unfinished = `; run ${run + 1} was still rendering ${STREAM_TIMEOUT_MS / 1000} s after it started (counted so far), so no further run`;
        break;
      }
    }
    figures.push(
      figure('webviewLongTasks', 'tasks', counts, {
        goal: { max: 0 },
        note: `long tasks > ${LONG_TASK_MS} ms in the chat view's frame while ${TOKENS.toLocaleString('en-US')} tokens stream at ${TOKENS_PER_SECOND.toLocaleString('en-US')}/s (run n adds to a transcript of n−1 such answers); longest per run: ${longest.map((ms) => ms.toFixed(0)).join(', ')} ms; of each run's tasks, attributed to the chat view's own frame: ${ownFrame.join(', ')} (the rest to the workbench frames around it, which share its event loop and V8 heap)${unfinished}`,
      }),
    );
    for (let reload = 1; reload < SAMPLES; reload++) {
      try {
        await reloadWindow(page);
      } catch (error) {
        failures.push(`reload ${reload}: ${firstLine(error)}`);
        log(`vscode: reload ${reload} failed, so no further samples: ${firstLine(error)}`);
        break;
      }
      await sample(`reload ${reload}`);
    }
    figures.push(...activationFigures(samples, failures));
  } catch (error) {
    const why = firstLine(error);
    for (const [name, unit, goal] of [
      ['webviewLongTasks', 'tasks', { max: 0 }],
      ['activationMs', 'ms', { max: 20 }],
      ['activationRunningExtensionsMs', 'ms', { max: 20 }],
    ] as const) {
      if (!figures.some((f) => f.name === name)) {
        figures.push(unavailable(name, unit, goal, `the real VS Code run failed: ${why}`));
      }
    }
  } finally {
    await teardown.run().catch((error: unknown) => log(`vscode: teardown: ${String(error)}`));
  }
  return figures;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
