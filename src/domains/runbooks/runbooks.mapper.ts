import { matchersText } from '../silences/index.js';
import type { RunbookRow, VersionRow } from './runbooks.store.js';
import type { RunbookContent, RunbookDto, RunbookSummaryDto, RunbookVersionDto } from './runbooks.types.js';

const iso = (d: Date | string): string => new Date(d).toISOString();

export const contentOf = (r: RunbookRow | VersionRow): RunbookContent => ({
  name: r.name,
  slug: r.slug,
  owner: r.owner,
  service: r.service,
  url: r.url,
  matchers: r.matchers,
  markdown: r.markdown,
  actions: r.actions,
});

export const toSummaryDto = (r: RunbookRow): RunbookSummaryDto => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  owner: r.owner,
  service: r.service,
  url: r.url,
  matchers: matchersText(r.matchers),
  actions: r.actions.map((a) => ({ name: a.name, title: a.title, kind: a.target.kind })),
  version: r.version,
  updatedAt: iso(r.updated_at),
});

export const toRunbookDto = (r: RunbookRow): RunbookDto => ({
  ...toSummaryDto(r),
  matcherList: r.matchers,
  markdown: r.markdown,
  actions: r.actions,
  createdAt: iso(r.created_at),
});

export const toVersionDto = (v: VersionRow): RunbookVersionDto => ({
  version: v.version,
  slug: v.slug,
  name: v.name,
  owner: v.owner,
  service: v.service,
  url: v.url,
  matchers: matchersText(v.matchers),
  matcherList: v.matchers,
  markdown: v.markdown,
  actions: v.actions,
  editedBy: { kind: v.actor_kind, id: v.actor_id, name: v.actor_name },
  editedAt: iso(v.created_at),
});
