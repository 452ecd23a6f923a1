import type { EscalationService } from '../domains/escalation/index.js';
import type { EngineModule } from './tick.js';

/**
 * Escalations: every escalation whose deadline has passed moves on (its step fires, or it is exhausted, or its
 * acknowledgement timed out) and every page due is handed to the outbox — once, however many workers run it.
 */
export function escalationModule(escalation: EscalationService): EngineModule {
  return { name: 'escalation', run: (now) => escalation.engine.run(now) };
}
