import { z } from 'zod';

/** The role modal's and the status update modal's `private_metadata`. */
export const IncidentModalMetadata = z.object({
  incidentId: z.string().min(1).max(64),
  /** Where the command was typed, to answer there. */
  channel: z.string().max(64).optional(),
});
