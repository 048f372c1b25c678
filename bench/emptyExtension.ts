/**
 * The activationMs baseline: an extension that does nothing (`activate() {}`), activated on the same
 * event as Tollgate (onStartupFinished) in the same code-server session, so each window start measures
 * both under the same conditions.
 */
import type { Teardown } from '../test/e2e/harness/teardown';
import { packageBenchExtension } from './benchExtension';

export const emptyExtensionName = 'Empty Extension (bench baseline)';
export const emptyExtensionId = 'tollgate-bench.tollgate-bench-empty';

export function emptyExtensionVsix(root: string, teardown: Teardown): string {
  return packageBenchExtension(root, teardown, {
    manifest: { name: 'tollgate-bench-empty', displayName: emptyExtensionName, activationEvents: ['onStartupFinished'] },
    source: 'exports.activate = function () {};\n',
  });
}
