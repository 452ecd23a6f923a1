import { describe, expect, it } from '@jest/globals';
import { checkLimits } from './limits.js';
import {
  maintenancePost,
  type SilenceView,
  silenceCreated,
  silenceExpired,
  silenceList,
} from './silence.blocks.js';

const opts = {
  now: new Date('2027-03-28T00:00:00Z'),
  baseUrl: 'https://ops.example.com',
  timeZone: 'Europe/Berlin',
};
const s: SilenceView = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  matchersText: 'service="checkout"',
  state: 'active',
  startsAt: new Date('2027-03-28T00:00:00Z'),
  endsAt: new Date('2027-03-28T02:00:00Z'),
  reason: 'deploy',
  createdBy: 'Alice',
};

describe('silence blocks', () => {
  it('says what is silenced, until when, and how to end it', () => {
    const msg = silenceCreated(s, opts);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('service=\\"checkout\\"');
    expect(text).toContain(`/silence expire ${s.id}`);
    expect(msg.text).toBe('Silenced service="checkout" until 2027-03-28T02:00:00.000Z');
    expect(silenceExpired(s).text).toBe('Silence service="checkout" expired');
  });

  it('lists silences, and says when there are none', () => {
    expect(silenceList([], opts).text).toBe('No active or pending silences.');
    expect(silenceList([s, { ...s, state: 'pending' }], opts).blocks).toHaveLength(4);
  });

  it('announces a maintenance window starting and ending', () => {
    const v = {
      service: 'checkout',
      name: 'Sunday patching',
      startsAt: new Date('2027-03-28T00:30:00Z'),
      endsAt: new Date('2027-03-28T01:30:00Z'),
    };
    expect(maintenancePost({ ...v, phase: 'started' }, opts).text).toBe(
      'Maintenance Sunday patching on checkout has started',
    );
    expect(maintenancePost({ ...v, phase: 'ended' }, opts).text).toBe(
      'Maintenance Sunday patching on checkout has ended',
    );
  });

  it('stays within Slack limits with long values and many silences', () => {
    const long = {
      ...s,
      matchersText: 'a'.repeat(5000),
      reason: 'r'.repeat(5000),
      createdBy: 'c'.repeat(500),
    };
    const many = Array.from({ length: 200 }, () => long);
    for (const msg of [silenceCreated(long, opts), silenceExpired(long), silenceList(many, opts)])
      expect(checkLimits('message', msg)).toEqual([]);
    const v = {
      phase: 'started' as const,
      service: 's'.repeat(3000),
      name: 'n'.repeat(3000),
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    };
    expect(checkLimits('message', maintenancePost(v, opts))).toEqual([]);
  });
});
