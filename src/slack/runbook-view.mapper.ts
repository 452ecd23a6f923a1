import type { RunbookView } from '../../blocks/runbook.blocks.js';
import type { RunbookDto } from '../domains/runbooks/index.js';

/** A runbook as the Slack builders see it. */
export const toRunbookView = (rb: RunbookDto): RunbookView => ({
  id: rb.id,
  slug: rb.slug,
  name: rb.name,
  owner: rb.owner,
  service: rb.service,
  matchers: rb.matchers,
  version: rb.version,
  markdown: rb.markdown,
  actions: rb.actions.map((a) => ({
    name: a.name,
    title: a.title,
    kind: a.target.kind,
    approval: a.policy.approval,
  })),
});
