import { describe, expect, it } from '@jest/globals';
import { AT_USAGE, likelySchedule, parseOnCallCommand } from './oncall-command.calc.js';

describe('/oncall parsing', () => {
  it('reads every subcommand', () => {
    expect(parseOnCallCommand('')).toEqual({ sub: 'overview' });
    expect(parseOnCallCommand('   ')).toEqual({ sub: 'overview' });
    expect(parseOnCallCommand('now')).toEqual({ sub: 'overview' });
    expect(parseOnCallCommand('help')).toEqual({ sub: 'help' });
    expect(parseOnCallCommand('HELP override')).toEqual({ sub: 'help' });
    expect(parseOnCallCommand('me')).toEqual({ sub: 'me' });
    expect(parseOnCallCommand('Mine')).toEqual({ sub: 'me' });
    expect(parseOnCallCommand('schedules')).toEqual({ sub: 'schedules' });
    expect(parseOnCallCommand('ls')).toEqual({ sub: 'schedules' });
    expect(parseOnCallCommand('override')).toEqual({ sub: 'override' });
    expect(parseOnCallCommand('override  Payments EU')).toEqual({ sub: 'override', schedule: 'Payments EU' });
    expect(parseOnCallCommand('cover "Payments"')).toEqual({ sub: 'override', schedule: 'Payments' });
    expect(parseOnCallCommand('contact')).toEqual({ sub: 'contact' });
    expect(parseOnCallCommand('Contact')).toEqual({ sub: 'contact' });
    expect(parseOnCallCommand('phones')).toEqual({ sub: 'contact' });
    expect(parseOnCallCommand('rules')).toEqual({ sub: 'contact' });
    // With more words it may be a schedule's name.
    expect(parseOnCallCommand('contact center')).toEqual({ sub: 'schedule', name: 'contact center' });
  });

  it('keeps the time after `at` as typed', () => {
    expect(parseOnCallCommand('at tomorrow 09:00')).toEqual({ sub: 'at', when: 'tomorrow 09:00' });
    expect(parseOnCallCommand('AT  2026-03-29T09:00Z')).toEqual({ sub: 'at', when: '2026-03-29T09:00Z' });
    expect(parseOnCallCommand('at +2h')).toEqual({ sub: 'at', when: '+2h' });
  });

  it('reads anything else as a schedule name', () => {
    expect(parseOnCallCommand('Payments')).toEqual({ sub: 'schedule', name: 'Payments' });
    expect(parseOnCallCommand('  Payments   EU ')).toEqual({ sub: 'schedule', name: 'Payments EU' });
    expect(parseOnCallCommand('“Payments EU”')).toEqual({ sub: 'schedule', name: 'Payments EU' });
    // Slack sends & < > as entities.
    expect(parseOnCallCommand('Ops &amp; Infra')).toEqual({ sub: 'schedule', name: 'Ops & Infra' });
    // Keywords that take no arguments, given some, may start a schedule's name.
    expect(parseOnCallCommand('me team')).toEqual({ sub: 'schedule', name: 'me team' });
    expect(parseOnCallCommand('schedules of payments')).toEqual({
      sub: 'schedule',
      name: 'schedules of payments',
    });
    expect(parseOnCallCommand('frobnicate')).toEqual({ sub: 'schedule', name: 'frobnicate' });
  });

  it('explains bad arguments', () => {
    expect(parseOnCallCommand('at')).toEqual({ sub: 'usage', message: AT_USAGE });
    expect(AT_USAGE).toContain('/oncall at tomorrow 09:00');
  });
});

describe('/oncall simulate parsing', () => {
  it('reads the service and the optional time', () => {
    expect(parseOnCallCommand('simulate payments')).toEqual({ sub: 'simulate', service: 'payments' });
    expect(parseOnCallCommand('simulate payments at saturday 03:00')).toEqual({
      sub: 'simulate',
      service: 'payments',
      when: 'saturday 03:00',
    });
    expect(parseOnCallCommand('simulate "payments eu" at +2h')).toEqual({
      sub: 'simulate',
      service: 'payments eu',
      when: '+2h',
    });
    expect(parseOnCallCommand('simulate')).toMatchObject({ sub: 'usage' });
    expect(parseOnCallCommand('simulate at 10:00')).toMatchObject({ sub: 'usage' });
  });
});

describe('likelySchedule', () => {
  const names = ['Payments', 'Payments EU', 'Support', 'Database'];
  it('suggests the one name that contains what was typed', () => {
    expect(likelySchedule('supp', names)).toBe('Support');
    expect(likelySchedule('DATA', names)).toBe('Database');
    expect(likelySchedule('support team', names)).toBe('Support');
  });
  it('suggests the one name within a typo or two', () => {
    expect(likelySchedule('Suport', names)).toBe('Support');
    expect(likelySchedule('databse', names)).toBe('Database');
    expect(likelySchedule('Paymnets', names)).toBe('Payments');
    expect(likelySchedule('Supporx', ['Support', 'Supporz'])).toBeNull();
    expect(likelySchedule('abc', names)).toBeNull();
  });
  it('suggests nothing when several or none match', () => {
    expect(likelySchedule('pay', names)).toBeNull();
    expect(likelySchedule('frobnicate', names)).toBeNull();
    expect(likelySchedule('s', names)).toBeNull();
  });
});
