import { z } from 'zod';

/** The declare modal's `private_metadata`: where it was opened from. */
export const DeclareMetadata = z.object({ channel: z.string().max(30).optional() });
