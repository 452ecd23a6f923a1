import { z } from '@hono/zod-openapi';
import {
  runbookActionSchema,
  runbookInputSchema,
  runbookUpdateSchema,
} from '../../domains/runbooks/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const matcherSchema = z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() });

const common = {
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  owner: z.string(),
  service: z.string().nullable(),
  url: z.string().nullable(),
  matchers: z.string().openapi({ description: 'The matchers in Alertmanager’s syntax' }),
};

const summarySchema = z
  .object({
    ...common,
    actions: z.array(z.object({ name: z.string(), title: z.string(), kind: z.string() })),
    version: z.number().int(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('RunbookSummary');

const runbookSchema = z
  .object({
    ...common,
    matcherList: z.array(matcherSchema),
    markdown: z.string(),
    actions: z.array(runbookActionSchema),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Runbook');

const { id: _id, ...versionCommon } = common;
const versionSchema = z
  .object({
    ...versionCommon,
    version: z.number().int(),
    matcherList: z.array(matcherSchema),
    markdown: z.string(),
    actions: z.array(runbookActionSchema),
    editedBy: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    editedAt: z.iso.datetime(),
  })
  .openapi('RunbookVersion');

const diffSchema = z
  .object({
    runbookId: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    markdown: z
      .string()
      .openapi({ description: 'A unified diff of the Markdown ("" when it did not change)' }),
    fields: z
      .array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() }))
      .openapi({ description: 'The other fields that changed; actions one by one as `actions.<name>`' }),
  })
  .openapi('RunbookDiff');

const templateSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    slug: z.string(),
    matchers: z.string(),
    markdown: z.string(),
    actions: z.array(runbookActionSchema),
  })
  .openapi('RunbookTemplate');

const id = z.object({ id: z.string().openapi({ description: 'The runbook’s id or slug' }) });
const versionNumber = z.coerce.number().int().min(1);
const tags = ['Runbooks'];

export const listRunbooks = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List runbooks (not deleted), optionally of one service',
  permission: 'runbook:read',
  request: { query: z.object({ service: z.string().max(200).optional() }) },
  responses: { 200: json(z.object({ items: z.array(summarySchema) }), 'The runbooks') },
});

export const runbookTemplates = route({
  method: 'get',
  path: '/templates',
  tags,
  summary:
    'Starting points shipped with OpsWatch: high error rate, high latency, disk full, certificate expiry, pod crash loop',
  permission: 'runbook:read',
  responses: { 200: json(z.object({ items: z.array(templateSchema) }), 'The templates') },
});

export const createRunbook = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a runbook (version 1)',
  permission: 'runbook:write',
  conflict: 'A runbook with this slug exists already.',
  rawBody: true,
  request: { body: jsonBody(runbookInputSchema) },
  responses: { 201: json(runbookSchema, 'The new runbook') },
});

export const getRunbook = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A runbook as it stands (its latest version)',
  permission: 'runbook:read',
  request: { params: id },
  responses: { 200: json(runbookSchema, 'The runbook') },
});

export const updateRunbook = route({
  method: 'put',
  path: '/{id}',
  tags,
  summary: 'Change a runbook: the fields given change, the others stay; a new version unless nothing changed',
  permission: 'runbook:write',
  conflict: 'A runbook with this slug exists already.',
  rawBody: true,
  request: { params: id, body: jsonBody(runbookUpdateSchema) },
  responses: { 200: json(runbookSchema, 'The runbook') },
});

export const deleteRunbook = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a runbook (its versions stay, and incidents it is attached to keep their version)',
  permission: 'runbook:write',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});

export const runbookVersions = route({
  method: 'get',
  path: '/{id}/versions',
  tags,
  summary: 'Every version of a runbook, latest first',
  permission: 'runbook:read',
  request: { params: id },
  responses: { 200: json(z.object({ items: z.array(versionSchema) }), 'The versions') },
});

export const runbookDiff = route({
  method: 'get',
  path: '/{id}/versions/{from}/diff/{to}',
  tags,
  summary: 'What changed between two versions: a unified diff of the Markdown and the other fields changed',
  permission: 'runbook:read',
  request: { params: id.extend({ from: versionNumber, to: versionNumber }) },
  responses: { 200: json(diffSchema, 'The diff') },
});
