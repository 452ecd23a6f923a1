import type { UpdateReminders } from '../domains/incidents/index.js';
import type { EngineModule } from './tick.js';

/** Status update reminders: each incident whose update is overdue reminds its commander by DM, once per interval. */
export function updateRemindersModule(reminders: UpdateReminders): EngineModule {
  return { name: 'update-reminders', run: (now) => reminders.run(now) };
}
