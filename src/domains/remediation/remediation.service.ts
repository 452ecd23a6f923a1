import type { RemediationDeps } from './remediation.deps.js';
import { RunEngine } from './run-engine.js';
import { RunsService } from './runs.service.js';

/** Runbook actions' runs: what people do with them (`runs`) and what the runs job works through (`engine`). */
export class RemediationService {
  readonly runs: RunsService;
  readonly engine: RunEngine;

  constructor(deps: RemediationDeps) {
    this.runs = new RunsService(deps);
    this.engine = new RunEngine(deps, this.runs);
  }

  /** Works every run due now (the runs job). */
  runDue(limit?: number): Promise<number> {
    return this.engine.runDue(limit);
  }
}
