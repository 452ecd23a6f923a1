import { z } from 'zod';

/**
 * Where a "How you get paged" form was opened from: the `/oncall contact` modal (`root`: its view id, refreshed
 * when the form is done; `channel`: where the command was typed) or App Home (republished when it is done).
 */
export const ContactOrigin = z.object({
  from: z.enum(['modal', 'home']),
  root: z.string().max(40).optional(),
  channel: z.string().max(30).optional(),
});
export type ContactOrigin = z.infer<typeof ContactOrigin>;

/** The code modal: the phones added together that wait for their code, the one asked now first. */
export const VerifyMetadata = ContactOrigin.extend({
  pending: z.array(z.string().max(40)).min(1).max(2),
});
export type VerifyMetadata = z.infer<typeof VerifyMetadata>;

/** The rules modal: how many rows each urgency shows. */
export const RulesMetadata = ContactOrigin.extend({
  rows: z.object({ high: z.number().int().min(0).max(10), low: z.number().int().min(0).max(10) }),
});
export type RulesMetadata = z.infer<typeof RulesMetadata>;
