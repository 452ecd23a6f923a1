import { z } from 'zod';
import { isTimeZone } from '../../../shared/time-zone.js';

/** The override modal's `private_metadata`: where it was opened from, and the zone its pickers are in. */
export const OverrideMetadata = z.object({
  /** The channel the command (or button) was used in, for the confirmation; none from App Home. */
  channel: z.string().max(30).optional(),
  /** The caller's IANA zone when the modal opened: the date and time pickers are read in it. */
  zone: z.string().max(64).refine(isTimeZone, 'zone must be an IANA time zone'),
});
export type OverrideMetadata = z.infer<typeof OverrideMetadata>;
