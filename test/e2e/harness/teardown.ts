// What a test started, it stops: each start registers its stop here, and `run()` undoes them in reverse
// order (browser before server before fake provider), each bounded in time, even when one of them throws.
import { withTimeout } from './timeout';

export class Teardown {
  private readonly steps: { what: string; undo: () => Promise<void> | void }[] = [];

  /** Registers `undo` to run at teardown; the last registered runs first. */
  defer(what: string, undo: () => Promise<void> | void): void {
    this.steps.push({ what, undo });
  }

  /** Runs every registered step once, newest first; throws one error naming each step that failed. */
  async run(timeoutMs = 15_000): Promise<void> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) {
        break;
      }
      try {
        await withTimeout(Promise.resolve().then(step.undo), timeoutMs, `teardown: ${step.what}`);
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) {
      throw new Error(`Teardown left problems:\n  ${failures.join('\n  ')}`);
    }
  }
}
