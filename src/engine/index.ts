import type { Services } from '../app/services.js';
import type { Logger } from '../shared/logger.js';
import { escalationModule } from './escalation.module.js';
import { handoffsModule } from './handoffs.module.js';
import { createEngine, type Engine } from './tick.js';

export type { Engine, EngineModule } from './tick.js';

/** The engine's modules, in the order each tick runs them. */
export function engineFor(services: Services, log: Logger): Engine {
  return createEngine(
    [
      escalationModule(services.escalation),
      // SMS and calls whose sending died without an answer are failed ("outcome unknown"), never sent again.
      { name: 'phone-sends', run: async () => ({ expired: await services.phonePaging.expireStuck() }) },
      handoffsModule(services.handoffs),
      // Owners of overdue postmortem action items: one DM per item per day.
      { name: 'action-item-reminders', run: (now) => services.actionItems.remind(now) },
    ],
    log,
  );
}
