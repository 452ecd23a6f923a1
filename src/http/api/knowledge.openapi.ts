import { z } from '@hono/zod-openapi';
import {
  entryInputSchema,
  entryUpdateSchema,
  listEntriesSchema,
  ROOT_CAUSES,
  searchQuerySchema,
} from '../../domains/knowledge/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const instant = z.iso.datetime();
const tags = ['Knowledge base'];
const idParams = z.object({
  id: z.string().openapi({ description: 'The entry: `KB-3`, `3` or its id', example: 'KB-3' }),
});

export const entrySchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    ref: z.string().openapi({ example: 'KB-3' }),
    title: z.string(),
    symptoms: z.string(),
    resolution: z.string().openapi({ description: 'Markdown' }),
    signature: z.string().nullable(),
    rootCause: z.enum(ROOT_CAUSES).nullable(),
    occurrences: z.number().int(),
    lastSeenAt: instant.nullable(),
    meanTimeToResolveMinutes: z.number().nullable(),
    incidents: z.array(z.object({ id: z.string(), number: z.number().int(), ref: z.string() })),
    version: z.number().int(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('KnowledgeBaseEntry');

const versionSchema = z
  .object({
    version: z.number().int(),
    title: z.string(),
    symptoms: z.string(),
    resolution: z.string(),
    signature: z.string().nullable(),
    rootCause: z.enum(ROOT_CAUSES).nullable(),
    editedBy: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    editedAt: instant,
  })
  .openapi('KnowledgeBaseEntryVersion');

const hitSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    ref: z.string(),
    title: z.string(),
    signature: z.string().nullable(),
    rootCause: z.enum(ROOT_CAUSES).nullable(),
    occurrences: z.number().int(),
    rank: z.number(),
    snippet: z.string().openapi({ description: 'Where the words matched, marked with <b>…</b>' }),
  })
  .openapi('KnowledgeBaseSearchHit');

const entry = json(entrySchema, 'The entry');

export const listEntries = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'Knowledge base entries, most recently seen first',
  permission: 'kb:read',
  request: { query: listEntriesSchema },
  responses: { 200: json(z.object({ items: z.array(entrySchema) }), 'A page of entries') },
});

export const createEntry = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Add an entry (its first version)',
  permission: 'kb:write',
  conflict: 'Another entry already answers this signature.',
  request: { body: jsonBody(entryInputSchema) },
  responses: { 201: json(entrySchema, 'The new entry') },
});

export const searchEntries = route({
  method: 'get',
  path: '/search',
  tags,
  summary:
    'Full-text search (websearch syntax: words, "exact phrase", -without, or), best first, with snippets',
  permission: 'kb:read',
  request: { query: searchQuerySchema },
  responses: { 200: json(z.object({ items: z.array(hitSchema) }), 'The matching entries, best first') },
});

export const entryBySignature = route({
  method: 'get',
  path: '/signature/{signature}',
  tags,
  summary: 'The entry answering an incident signature (URL-encoded, e.g. `checkout%2FHighLatency`)',
  permission: 'kb:read',
  request: { params: z.object({ signature: z.string().min(1).max(300) }) },
  responses: { 200: entry },
});

export const getEntry = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One entry, with its linked incidents',
  permission: 'kb:read',
  request: { params: idParams },
  responses: { 200: entry },
});

export const updateEntry = route({
  method: 'put',
  path: '/{id}',
  tags,
  summary: 'Edit an entry: the fields given change, a new version is kept',
  permission: 'kb:write',
  conflict: 'The entry changed since `version`, or another entry answers the signature.',
  request: { params: idParams, body: jsonBody(entryUpdateSchema) },
  responses: { 200: entry },
});

export const entryVersions = route({
  method: 'get',
  path: '/{id}/versions',
  tags,
  summary: 'Every version of an entry, newest first, with who made it',
  permission: 'kb:read',
  request: { params: idParams },
  responses: { 200: json(z.array(versionSchema), 'The versions, newest first') },
});
