import { z } from '@hono/zod-openapi';
import { layerInputSchema } from '../../domains/rosters/index.js';

/** The shapes the schedule routes answer with (RostersService's DTOs), for the OpenAPI document. */

const instant = z.iso.datetime();

export const rangeSchema = z.object({ start: instant, end: instant }).openapi('TimeRange');

export const layerSchema = layerInputSchema.extend({ start: instant }).openapi('Layer');

export const scheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string().openapi({ example: 'Europe/London' }),
    slackChannel: z.string().nullable(),
    slackUserGroup: z.string().nullable(),
    layers: z.array(layerSchema).openapi({ description: 'Index 0 is the lowest; higher layers win.' }),
    icalUrl: z.string().openapi({ description: 'The secret iCal feed of the schedule' }),
    gaps: z.array(rangeSchema).openapi({ description: 'Time nobody covers in the next 14 days' }),
    version: z.number().int(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Schedule');

export const overrideSchema = z
  .object({
    id: z.string(),
    scheduleId: z.string(),
    userId: z.string(),
    replaces: z.string().nullable(),
    start: instant,
    end: instant,
    createdBy: z.string().nullable(),
    createdAt: instant,
  })
  .openapi('Override');

export const shiftSourceSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('layer'), layerIndex: z.number().int(), layerName: z.string() }),
    z.object({ kind: z.literal('override'), overrideId: z.string() }),
  ])
  .openapi('ShiftSource');

const personSchema = z.object({
  id: z.string(),
  name: z.string().nullable().openapi({ description: 'null when the user no longer exists' }),
  slackUserId: z.string().nullable(),
});

export const onCallSchema = z
  .object({
    scheduleId: z.string(),
    at: instant,
    users: z.array(personSchema).openapi({ description: 'Who is on call (none in a gap)' }),
    source: shiftSourceSchema.nullable(),
    until: instant.nullable().openapi({ description: 'When this shift (or gap) ends, when known' }),
  })
  .openapi('OnCall');

export const shiftSchema = z
  .object({
    userId: z.string(),
    userName: z.string().nullable(),
    userSlackId: z.string().nullable(),
    start: instant,
    end: instant,
    source: shiftSourceSchema,
  })
  .openapi('Shift');

export const handoffSchema = z
  .object({
    at: instant,
    fromUserId: z.string().nullable(),
    toUserId: z.string().nullable().openapi({ description: 'null: nobody is on call from then on' }),
    until: instant.nullable(),
    announced: z.boolean(),
  })
  .openapi('Handoff');
