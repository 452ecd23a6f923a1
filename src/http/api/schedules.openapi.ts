import { z } from '@hono/zod-openapi';
import { layerInputSchema, overrideInputSchema, scheduleInputSchema } from '../../domains/rosters/index.js';
import { json, jsonBody, route } from '../openapi/route.js';
import {
  handoffSchema,
  onCallSchema,
  overrideSchema,
  rangeSchema,
  scheduleSchema,
  shiftSchema,
} from './schedules.schemas.js';

const instant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: `${what} must be an ISO 8601 instant with an offset, e.g. 2026-03-02T09:00:00Z`,
  });

export const oncallQuerySchema = z.object({
  at: instant('at').optional().openapi({ description: 'The instant to answer for (now by default)' }),
});
export const layerIndexSchema = z.object({
  index: z.coerce
    .number({ error: 'index must be a number' })
    .int('index must be a whole number')
    .min(0)
    .max(19)
    // `required`: the generator would take `index` for optional, as coercion turns null into 0.
    .openapi({
      type: 'integer',
      description: 'The layer’s index, 0 = the lowest',
      param: { required: true },
    }),
});
export const shiftsQuerySchema = z.object({ from: instant('from'), to: instant('to') });

const id = z.object({ id: z.string().openapi({ description: 'The schedule’s id' }) });
const layerPath = id.extend(layerIndexSchema.shape);
const overridePath = id.extend({ overrideId: z.string() });
const schedule = json(scheduleSchema, 'The schedule');
const items = <S extends z.ZodType>(schema: S, description: string) =>
  json(z.object({ items: z.array(schema) }), description);
// Schedule, layer and override bodies are validated by RostersService with these schemas after its permission
// check (as `opswatch apply`'s are), so those routes declare `rawBody` and hand it the JSON as sent.
const nameTaken = 'A schedule of that name already exists.';
const tags = ['Schedules'];

export const listSchedules = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List schedules, each with its iCal URL and its gaps in the next 14 days',
  permission: 'schedule:read',
  responses: { 200: items(scheduleSchema, 'The schedules') },
});

export const createSchedule = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a schedule (participants are user ids)',
  permission: 'schedule:write',
  conflict: nameTaken,
  rawBody: true,
  request: { body: jsonBody(scheduleInputSchema) },
  responses: { 201: json(scheduleSchema, 'The new schedule') },
});

export const getSchedule = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A schedule',
  permission: 'schedule:read',
  request: { params: id },
  responses: { 200: schedule },
});

export const putSchedule = route({
  method: 'put',
  path: '/{id}',
  tags,
  summary: 'Replace a schedule: name, zone, Slack channel and user group, layers',
  permission: 'schedule:write',
  conflict: nameTaken,
  rawBody: true,
  request: { params: id, body: jsonBody(scheduleInputSchema) },
  responses: { 200: schedule },
});

export const deleteSchedule = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a schedule and its overrides',
  permission: 'schedule:write',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});

export const addLayer = route({
  method: 'post',
  path: '/{id}/layers',
  tags,
  summary: 'Add a layer on top (it wins where it covers)',
  permission: 'schedule:write',
  rawBody: true,
  request: { params: id, body: jsonBody(layerInputSchema) },
  responses: { 201: schedule },
});

export const putLayer = route({
  method: 'put',
  path: '/{id}/layers/{index}',
  tags,
  summary: 'Replace layer `index`',
  permission: 'schedule:write',
  rawBody: true,
  request: { params: layerPath, body: jsonBody(layerInputSchema) },
  responses: { 200: schedule },
});

export const deleteLayer = route({
  method: 'delete',
  path: '/{id}/layers/{index}',
  tags,
  summary: 'Remove layer `index`',
  permission: 'schedule:write',
  invalid: 'The index is not a whole number from 0 to 19.',
  request: { params: layerPath },
  responses: { 200: schedule },
});

export const listOverrides = route({
  method: 'get',
  path: '/{id}/overrides',
  tags,
  summary: 'Overrides in effect now or later',
  permission: 'schedule:read',
  request: { params: id },
  responses: { 200: items(overrideSchema, 'The overrides') },
});

export const addOverride = route({
  method: 'post',
  path: '/{id}/overrides',
  tags,
  summary: 'Add an override: a person covers a range, replacing one participant or everyone',
  description:
    'Without the write scope (people: as a responder), only overrides that cover or hand over your own shifts.',
  permission: 'override:write',
  rawBody: true,
  request: { params: id, body: jsonBody(overrideInputSchema) },
  responses: { 201: json(overrideSchema, 'The new override') },
});

export const deleteOverride = route({
  method: 'delete',
  path: '/{id}/overrides/{overrideId}',
  tags,
  summary: 'Remove an override',
  permission: 'override:write',
  request: { params: overridePath },
  responses: { 204: { description: 'Removed' } },
});

export const getOnCall = route({
  method: 'get',
  path: '/{id}/oncall',
  tags,
  summary: 'Who is on call at an instant (now by default), from which layer or override, until when',
  permission: 'oncall:read',
  request: { params: id, query: oncallQuerySchema },
  responses: { 200: json(onCallSchema, 'Who is on call') },
});

export const listShifts = route({
  method: 'get',
  path: '/{id}/shifts',
  tags,
  summary: 'The final, merged shifts in [from, to) (180 days at most)',
  permission: 'oncall:read',
  request: { params: id, query: shiftsQuerySchema },
  responses: { 200: items(shiftSchema, 'The shifts, each with its layer or override') },
});

export const listHandoffs = route({
  method: 'get',
  path: '/{id}/handoffs',
  tags,
  summary: 'The latest handoffs, newest first',
  permission: 'schedule:read',
  request: { params: id },
  responses: { 200: items(handoffSchema, 'The handoffs') },
});

export const listGaps = route({
  method: 'get',
  path: '/{id}/gaps',
  tags,
  summary: 'Time nobody covers in the next 14 days',
  permission: 'oncall:read',
  request: { params: id },
  responses: { 200: items(rangeSchema, 'The uncovered ranges') },
});

export const getUserIcal = route({
  method: 'get',
  path: '/{id}/ical',
  tags: ['Calendars'],
  summary: 'The user’s secret iCal feed URL (created on first ask; admins, or the user)',
  permission: 'user:calendar',
  request: { params: z.object({ id: z.string().openapi({ description: 'The user’s id' }) }) },
  responses: { 200: json(z.object({ userId: z.string(), icalUrl: z.string() }), 'The feed’s URL') },
});

const feed = (whose: string) =>
  route({
    method: 'get',
    path: `/${whose}/{file}`,
    tags: ['Calendars'],
    summary: `A ${whose === 'users' ? 'user’s shifts across all schedules' : 'schedule’s shifts'}, a week back to 90 days ahead`,
    description: 'The secret token in the path is the only credential; no API key.',
    permission: null,
    request: {
      params: z.object({ file: z.string().openapi({ description: 'The secret token, then `.ics`' }) }),
    },
    responses: {
      200: {
        description: 'An RFC 5545 calendar',
        content: { 'text/calendar': { schema: z.string() } },
      },
    },
  });

export const scheduleFeed = feed('schedules');
export const userFeed = feed('users');
