import { z } from 'zod';
import { DEFAULT_GROUPING, groupingSettingsSchema } from './grouping.calc.js';

export const ingestionSettingsSchema = z.object({
  grouping: groupingSettingsSchema.default(DEFAULT_GROUPING),
  /** Per source: does an incident resolve itself when all its alerts have resolved? Default yes. */
  autoResolve: z.record(z.string(), z.boolean()).default({}),
  /** An acknowledged incident goes back to triggered when a new alert fires into it this long after the ack. */
  retriggerAfterAckMinutes: z.number().int().min(0).max(10_080).default(30),
});
export type IngestionSettings = z.infer<typeof ingestionSettingsSchema>;
