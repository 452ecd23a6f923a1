import { describe, expect, it } from '@jest/globals';
import { downAt, formatDuration, nextPingDue, parseDuration, statusAt } from './heartbeat.calc.js';

const created = new Date('2026-12-01T10:00:00Z');
const at = (iso: string) => new Date(iso);
const timing = (lastPingAt: Date | null) => ({
  intervalSeconds: 300,
  graceSeconds: 60,
  createdAt: created,
  lastPingAt,
});

describe('parseDuration', () => {
  it('reads seconds and units, alone or combined', () => {
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration(' 1H 30M ')).toBe(5400);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('1w')).toBe(604_800);
  });
  it('refuses anything else', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('5 minutes')).toBeNull();
    expect(parseDuration('m5')).toBeNull();
    expect(parseDuration(-1)).toBeNull();
    expect(parseDuration(1.5)).toBeNull();
  });
  it('writes durations back the way they are read', () => {
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(86_460)).toBe('1d1m');
    expect(formatDuration(0)).toBe('0s');
    for (const s of [59, 61, 3600, 90_061]) expect(parseDuration(formatDuration(s))).toBe(s);
  });
});

describe('due and down', () => {
  it('counts from creation until the first ping', () => {
    expect(nextPingDue(timing(null))).toEqual(at('2026-12-01T10:05:00Z'));
    expect(downAt(timing(null))).toEqual(at('2026-12-01T10:06:00Z'));
  });
  it('counts from the last ping once pinged', () => {
    const t = timing(at('2026-12-01T11:00:00Z'));
    expect(nextPingDue(t)).toEqual(at('2026-12-01T11:05:00Z'));
    expect(downAt(t)).toEqual(at('2026-12-01T11:06:00Z'));
  });
});

describe('statusAt', () => {
  const t = timing(at('2026-12-01T11:00:00Z'));
  it('is up until the interval has passed', () => {
    expect(statusAt(t, 'up', at('2026-12-01T11:00:01Z'))).toBe('up');
    expect(statusAt(t, 'up', at('2026-12-01T11:05:00Z'))).toBe('up');
  });
  it('is late within the grace period', () => {
    expect(statusAt(t, 'up', at('2026-12-01T11:05:01Z'))).toBe('late');
    expect(statusAt(t, 'up', at('2026-12-01T11:05:59Z'))).toBe('late');
  });
  it('is down from interval + grace on, even before the engine has looked', () => {
    expect(statusAt(t, 'up', at('2026-12-01T11:06:00Z'))).toBe('down');
    expect(statusAt(t, 'up', at('2026-12-02T00:00:00Z'))).toBe('down');
  });
  it('keeps what the engine recorded: down until pinged, paused until resumed', () => {
    expect(statusAt(t, 'down', at('2026-12-01T11:00:01Z'))).toBe('down');
    expect(statusAt(t, 'paused', at('2026-12-02T00:00:00Z'))).toBe('paused');
  });
  it('with no grace, goes straight from up to down', () => {
    const strict = { ...t, graceSeconds: 0 };
    expect(statusAt(strict, 'up', at('2026-12-01T11:04:59Z'))).toBe('up');
    expect(statusAt(strict, 'up', at('2026-12-01T11:05:00Z'))).toBe('down');
  });
});
