import { describe, expect, it } from '@jest/globals';
import { KB_ACTIONS, RESOLVE_INPUTS, VIEWS } from './ids.js';
import { incidentCard } from './incident-card.blocks.js';
import {
  type KbEntryView,
  kbEntryMessage,
  kbEntryModal,
  kbSearchResults,
  snippetMrkdwn,
} from './kb.blocks.js';
import { ago, knownProblemBlock, knownProblemText } from './kb-hint.blocks.js';
import { checkLimits } from './limits.js';
import { pageMessage } from './page.blocks.js';
import { askWhatFixedIt, readResolveForm, resolveModal } from './resolve-modal.blocks.js';
import type { KnownProblemView, OccurrenceView } from './types.js';
import { FIXED_NOW, incidentView, TEST_OPTIONS } from './view-fixtures.js';

const DAY = 24 * 3600_000;
const occurrence = (o: Partial<OccurrenceView> = {}): OccurrenceView => ({
  incidentId: 'i37',
  number: 37,
  resolvedAt: new Date(FIXED_NOW.getTime() - 12 * DAY),
  autoResolved: false,
  fixedBy: { name: 'Bob', slackUserId: 'U0BOB' },
  minutes: 14,
  fix: 'restarted pgbouncer',
  url: 'https://example.slack.com/archives/C1/p1',
  ...o,
});
const hint = (o: Partial<KnownProblemView> = {}): KnownProblemView => ({
  occurrences: 4,
  last: occurrence(),
  fixed: occurrence(),
  entry: { id: 'e1', number: 3, title: 'PgBouncer pool exhausted' },
  ...o,
});

describe('the known-problem hint', () => {
  it('reads "Seen 4 times, last INC-37 12 days ago, fixed by @bob in 14 min: restarted pgbouncer", linked', () => {
    expect(knownProblemText(hint(), FIXED_NOW)).toBe(
      ':bulb: Seen 4 times, last <https://example.slack.com/archives/C1/p1|INC-37> 12 days ago, fixed by <@U0BOB> in 14 min: restarted pgbouncer',
    );
    const block = knownProblemBlock(hint(), FIXED_NOW);
    expect(block?.accessory).toMatchObject({ action_id: KB_ACTIONS.showEntry, value: 'e1' });
  });

  it('names the last fix when the last occurrence resolved by itself, and nothing when nothing is known', () => {
    const last = occurrence({
      number: 40,
      incidentId: 'i40',
      fix: null,
      fixedBy: null,
      autoResolved: true,
      url: null,
    });
    const text = knownProblemText(hint({ last, occurrences: 2 }), FIXED_NOW);
    expect(text).toContain('Seen twice, last *INC-40* 12 days ago, resolved by itself after 14 min.');
    expect(text).toContain('was fixed by <@U0BOB> in 14 min: restarted pgbouncer');
    expect(knownProblemText(null, FIXED_NOW)).toBeNull();
    expect(
      knownProblemText(hint({ occurrences: 0, last: null, fixed: null, entry: null }), FIXED_NOW),
    ).toBeNull();
    expect(knownProblemText(hint({ occurrences: 0, last: null, fixed: null }), FIXED_NOW)).toBe(
      ':bulb: Known problem *KB-3*: PgBouncer pool exhausted',
    );
    expect(
      [0.5, 5, 90, 60 * 30, 60 * 24 * 3].map((m) =>
        ago(new Date(FIXED_NOW.getTime() - m * 60_000), FIXED_NOW),
      ),
    ).toEqual(['just now', '5 min ago', '1 h ago', '30 h ago', '3 days ago']);
  });

  it('shows on an open card and the page, not on a resolved card; within limits with a huge fix', () => {
    const big = hint({ last: occurrence({ fix: 'x'.repeat(20_000) }) });
    const open = incidentCard(incidentView({ knownProblem: big }), TEST_OPTIONS);
    expect(JSON.stringify(open.blocks)).toContain('Seen 4 times');
    expect(checkLimits('message', open)).toEqual([]);
    const done = incidentCard(
      incidentView({ knownProblem: big, status: 'resolved', resolvedAt: FIXED_NOW }),
      TEST_OPTIONS,
    );
    expect(JSON.stringify(done.blocks)).not.toContain('Seen 4 times');
    const page = pageMessage(
      {
        incident: { id: 'i', number: 42, title: 't', service: 's', severity: 1, status: 'triggered' },
        reason: { kind: 'user' },
        token: { generation: 0, loop: 0, step: 0 },
        alertSummary: null,
        cardUrl: null,
        knownProblem: big,
      },
      TEST_OPTIONS,
    );
    expect(JSON.stringify(page.blocks)).toContain('Seen 4 times');
    expect(checkLimits('message', page)).toEqual([]);
  });
});

describe('the resolve form and the self-resolved ask', () => {
  it('has optional fields, the knowledge base checked by default, and reads back what was filled in', () => {
    const view = resolveModal({
      incident: { number: 42, title: 'Checkout slow' },
      resolved: false,
      knownProblem: hint(),
      privateMetadata: '{"incidentId":"i"}',
      now: FIXED_NOW,
    });
    expect(view.callback_id).toBe(VIEWS.resolve);
    expect(view.title.text).toBe('Resolve INC-42');
    const inputs = view.blocks.filter((b) => b.type === 'input') as {
      optional?: boolean;
      block_id?: string;
    }[];
    expect(inputs.map((b) => [b.block_id, b.optional])).toEqual([
      [RESOLVE_INPUTS.fix.blockId, true],
      [RESOLVE_INPUTS.cause.blockId, true],
      [RESOLVE_INPUTS.kb.blockId, true],
    ]);
    expect(JSON.stringify(view)).toContain('"initial_options"');
    expect(checkLimits('modal', view)).toEqual([]);
    expect(
      readResolveForm({
        [RESOLVE_INPUTS.fix.blockId]: { [RESOLVE_INPUTS.fix.actionId]: { value: ' restarted pgbouncer ' } },
        [RESOLVE_INPUTS.cause.blockId]: {
          [RESOLVE_INPUTS.cause.actionId]: { selected_option: { value: 'config' } },
        },
        [RESOLVE_INPUTS.kb.blockId]: {
          [RESOLVE_INPUTS.kb.actionId]: { selected_options: [{ value: 'kb' }] },
        },
      }),
    ).toEqual({ fix: 'restarted pgbouncer', rootCause: 'config', addToKnowledgeBase: true });
    expect(readResolveForm({})).toEqual({ addToKnowledgeBase: false });
    const after = resolveModal({
      incident: { number: 42, title: 't' },
      resolved: true,
      privateMetadata: '{}',
      now: FIXED_NOW,
    });
    expect(after.title.text).toBe('What fixed INC-42?');
  });

  it('asks by DM with a button opening the form', () => {
    const msg = askWhatFixedIt(
      { incidentId: 'i', number: 42, title: 'Disk full', service: 'billing', resolvedAt: FIXED_NOW },
      TEST_OPTIONS,
    );
    expect(msg.text).toBe('INC-42 resolved by itself. What fixed it?');
    expect(JSON.stringify(msg.blocks)).toContain(KB_ACTIONS.tellFix);
    expect(checkLimits('message', msg)).toEqual([]);
  });
});

describe('/kb answers', () => {
  const entry = (o: Partial<KbEntryView> = {}): KbEntryView => ({
    id: 'e1',
    number: 3,
    title: 'PgBouncer pool exhausted',
    symptoms: 'Timeouts',
    resolution: 'Restart it',
    signature: 'db/PgBouncerDown',
    rootCause: 'config',
    occurrences: 4,
    lastSeenAt: FIXED_NOW,
    meanTimeToResolveMinutes: 14,
    incidents: [{ number: 37 }],
    version: 2,
    ...o,
  });

  it('bolds the matched words of snippets and escapes the rest', () => {
    expect(snippetMrkdwn('a <b>storm</b> of <retries> & *x*')).toBe('a *storm* of &lt;retries&gt; &amp; x');
  });

  it('stay within limits with many hits and a huge entry', () => {
    const hits = Array.from({ length: 40 }, (_, i) => ({
      id: `e${i}`,
      number: i,
      title: 't'.repeat(400),
      occurrences: i,
      snippet: `<b>${'w'.repeat(5000)}</b>`,
    }));
    expect(checkLimits('message', kbSearchResults('q'.repeat(2000), hits))).toEqual([]);
    expect(kbSearchResults('nothing', []).text).toContain('Nothing in the knowledge base matches');
    const huge = entry({
      symptoms: 's'.repeat(50_000),
      resolution: 'r'.repeat(60_000),
      incidents: Array.from({ length: 300 }, (_, i) => ({ number: i })),
    });
    expect(checkLimits('message', kbEntryMessage(huge, TEST_OPTIONS))).toEqual([]);
    expect(checkLimits('modal', kbEntryModal(huge, TEST_OPTIONS))).toEqual([]);
    expect(JSON.stringify(kbEntryMessage(entry(), TEST_OPTIONS).blocks)).toContain(
      'mean time to resolve 14 min',
    );
  });
});
