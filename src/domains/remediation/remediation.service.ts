import type { Em } from '../../db/sql.js';
import type { IncidentEventSink, IncidentFacts } from '../incidents/index.js';
import { AutoRunSink } from './auto-run.sink.js';
import type { RemediationDeps } from './remediation.deps.js';
import { RunEngine } from './run-engine.js';
import { RunsService } from './runs.service.js';

/** Runbook actions' runs: what people do with them (`runs`) and what the runs job works through (`engine`). */
export class RemediationService {
  readonly runs: RunsService;
  readonly engine: RunEngine;

  constructor(private readonly deps: RemediationDeps) {
    this.runs = new RunsService(deps);
    this.engine = new RunEngine(deps, this.runs);
  }

  /** The incident events' subscriber that starts `auto` actions of runbooks attached to open incidents. */
  autoRunSink(
    facts: (em: Em, tenantId: string, incidentId: string) => Promise<IncidentFacts | null>,
  ): IncidentEventSink {
    return new AutoRunSink(this.deps, this.runs, facts);
  }

  /** Works every run due now (the runs job). */
  runDue(limit?: number): Promise<number> {
    return this.engine.runDue(limit);
  }
}
