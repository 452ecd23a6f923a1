import { z } from 'zod';
import type { HandoffView, PersonView } from '../../blocks/types.js';

const person = z
  .object({ name: z.string(), slackUserId: z.string().nullable(), timeZone: z.string() })
  .nullable();

/** What a handoff outbox row carries (the rosters domain's HandoffNotice), checked on the way out of the database. */
export const handoffPayloadSchema = z.object({
  scheduleName: z.string(),
  timeZone: z.string(),
  at: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }).nullable(),
  from: person,
  to: person,
});
export type HandoffPayload = z.infer<typeof handoffPayloadSchema>;

const toPerson = (p: HandoffPayload['from']): PersonView | null =>
  p ? { name: p.name, slackUserId: p.slackUserId } : null;

export function toHandoffView(p: HandoffPayload): HandoffView {
  return {
    scheduleName: p.scheduleName,
    at: new Date(p.at),
    until: p.until ? new Date(p.until) : null,
    from: toPerson(p.from),
    to: toPerson(p.to),
  };
}

export const usergroupPayloadSchema = z.object({ users: z.array(z.string()).min(1) });
