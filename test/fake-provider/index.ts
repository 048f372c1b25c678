// The fake provider's public surface: start it in-process, script it with scenarios, inspect what it saw.
export { startFakeProvider } from './server';
export type { FakeProvider, FakeProviderOptions, RecordedRequest } from './server';
export { enqueueRequestSchema, scenarioSchema } from './scenario';
export type {
  ContentFilterScenario,
  HangUpScenario,
  HttpErrorKind,
  HttpErrorScenario,
  RefusalScenario,
  ResetScenario,
  Scenario,
  ScenarioStopReason,
  ScenarioUsage,
  StallScenario,
  StreamErrorKind,
  StreamErrorScenario,
  TextScenario,
  WireQuirks,
} from './scenario';
