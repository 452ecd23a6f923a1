/**
 * Slack's published OpenAPI (Swagger 2) description of the Web API, read into a table the fake Slack checks
 * every call against: which methods exist, which arguments each requires and which scopes it needs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MethodSpec {
  /** Required arguments, without `token` (sent in the Authorization header). */
  required: string[];
  /** Every scope named in the token parameter's description ("Requires scope: `chat:write`"); `none` dropped. */
  scopes: string[];
  /** Whether the method takes a token at all (`api.test` and `oauth.*` do not). */
  auth: boolean;
  /** Scopes of an app-level token (`xapp-…`), not a bot token: not part of the app manifest's bot scopes. */
  appLevel?: boolean;
}

export const DEFAULT_SPEC_PATH = fileURLToPath(
  new URL('../fixtures/slack/slack_web_openapi_v2.json', import.meta.url),
);

/** Methods newer than the 2020 description (see test/fixtures/slack/README.md). */
export const NEWER_METHODS: Record<string, MethodSpec> = {
  'files.getUploadURLExternal': { required: ['filename', 'length'], scopes: ['files:write'], auth: true },
  'files.completeUploadExternal': { required: ['files'], scopes: ['files:write'], auth: true },
  'apps.connections.open': { required: [], scopes: ['connections:write'], auth: true, appLevel: true },
  // https://api.slack.com/methods/bookmarks.add (2021): channel_id, title and type required; link for type=link.
  'bookmarks.add': { required: ['channel_id', 'title', 'type'], scopes: ['bookmarks:write'], auth: true },
};

/**
 * Methods whose 2020 description names only the granular `conversations:write`: the bot scopes Slack's method
 * pages list for them (public channels: `channels:manage`; private ones: `groups:write`).
 */
export const CHANNEL_MANAGE_METHODS: Record<string, string[]> = {
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.rename': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
};

interface SwaggerParameter {
  name?: unknown;
  required?: unknown;
  description?: unknown;
}

/** All scopes a token description names: every back-quoted word, split on commas and spaces. */
export function parseScopes(description: string): string[] {
  const scopes = new Set<string>();
  for (const m of description.matchAll(/`([^`]+)`/g)) {
    for (const s of (m[1] ?? '').split(/[\s,]+/)) {
      if (s && s.toLowerCase() !== 'none') scopes.add(s);
    }
  }
  return [...scopes];
}

const cache = new Map<string, Map<string, MethodSpec>>();

/** The method table for a spec file (cached per path). */
export function loadSlackSpec(path: string = DEFAULT_SPEC_PATH): Map<string, MethodSpec> {
  const cached = cache.get(path);
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
  const methods = new Map<string, MethodSpec>();
  for (const [route, operations] of Object.entries(doc.paths ?? {})) {
    const method = route.replace(/^\//, '');
    const required = new Set<string>();
    const scopes = new Set<string>();
    let auth = false;
    for (const op of Object.values(operations)) {
      const params = (op as { parameters?: SwaggerParameter[] }).parameters ?? [];
      for (const p of params) {
        if (typeof p.name !== 'string') continue;
        if (p.name === 'token') {
          auth = true;
          if (typeof p.description === 'string') for (const s of parseScopes(p.description)) scopes.add(s);
          continue;
        }
        if (p.required === true) required.add(p.name);
      }
    }
    methods.set(method, { required: [...required], scopes: [...scopes], auth });
  }
  for (const [method, spec] of Object.entries(NEWER_METHODS)) methods.set(method, spec);
  for (const [method, scopes] of Object.entries(CHANNEL_MANAGE_METHODS)) {
    const spec = methods.get(method);
    if (spec) methods.set(method, { ...spec, scopes });
  }
  cache.set(path, methods);
  return methods;
}
