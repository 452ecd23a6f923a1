import { describe, expect, it } from '@jest/globals';
import { TIMELINE_VERBS } from '../../blocks/incident-thread.blocks.js';
import { TIMELINE_KINDS, TIMELINE_RULES, type TimelineEvent } from '../domains/incidents/index.js';
import { toTimelineItemView } from './incident-view.mapper.js';

const fired = (title: string): TimelineEvent => ({
  kind: 'alert_fired',
  data: { count: 1, titles: [title], alertIds: ['a'], severity: 2 },
});

describe('thread reply views', () => {
  it('every kind that becomes a thread reply has a headline verb', () => {
    const replying = TIMELINE_KINDS.filter((k) => TIMELINE_RULES[k].reply);
    expect(replying.filter((k) => !TIMELINE_VERBS[k])).toEqual([]);
  });

  it('renders the detail from the event data, one line per merged event', () => {
    const view = toTimelineItemView(
      { event: fired('DiskFull'), actorName: 'Alertmanager', actorSlackId: null, at: '2026-01-05T09:00:00Z' },
      [{ event: fired('HighLatency') }],
    );
    expect(view).toMatchObject({
      kind: 'alert_fired',
      message: 'Alert fired: DiskFull\nAlert fired: HighLatency',
      actorName: 'Alertmanager',
    });
    const ack = toTimelineItemView({
      event: { kind: 'acknowledged', data: { endedAlerts: 0 } },
      actorName: 'Alice',
      actorSlackId: 'U0ALICE',
      at: new Date('2026-01-05T09:00:00Z'),
    });
    expect(ack.message).toBe('');
  });
});
