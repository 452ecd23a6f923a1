import { z } from 'zod';

/** The note modal's `private_metadata`. */
export const NoteMetadata = z.object({ incidentId: z.string().min(1).max(64) });
