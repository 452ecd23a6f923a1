import type { MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentDetailDto } from '../incidents/index.js';
import type { ActionTarget } from './action.schemas.js';
import type { ActionAdapter } from './adapters/action-adapter.js';
import type { OnCallFor, RunbookCatalog } from './remediation.types.js';
import type { RecordAs, RunNotifier } from './run-recorder.js';

/** One adapter per action kind: a new kind is one new adapter file and one line where these are built. */
export type ActionAdapters = { [K in ActionTarget['kind']]: ActionAdapter<K> };

export interface RemediationMetrics {
  /** A run ended (`outcome`: its final stage). */
  runFinished(actionKind: string, outcome: string): void;
}

export interface RemediationDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  catalog: RunbookCatalog;
  incident: (actor: Actor, ref: string) => Promise<IncidentDetailDto>;
  recordAs: RecordAs;
  onCallFor: OnCallFor;
  adapters: ActionAdapters;
  /** Where `${env:NAME}` header secrets are read from (the process's environment). */
  env: Readonly<Record<string, string | undefined>>;
  notifier?: RunNotifier;
  /** A run is due now: the runs job is asked to look (without it, its next periodic run does). */
  wake?: () => void;
  metrics?: RemediationMetrics;
}
