import { z } from 'zod';

/** The resolve form's `private_metadata`: the incident, and the channel to answer in (a command's). */
export const ResolveMetadata = z.object({
  incidentId: z.string().min(1).max(64),
  channel: z.string().max(64).optional(),
});
