import { describe, expect, it } from '@jest/globals';
import { newId, uuidV7From } from './ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7From', () => {
  it('puts the millisecond time first and sets the version and variant bits', () => {
    const id = uuidV7From(Date.UTC(2026, 11, 1, 8, 0, 0, 123), new Uint8Array(10).fill(0xff));
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 11, 1, 8, 0, 0, 123));
    expect(id).toBe(`${id.slice(0, 14)}7fff-bfff-ffffffffffff`);
  });

  it('sorts later times after earlier ones whatever the random part', () => {
    const early = uuidV7From(1_000, new Uint8Array(10).fill(0xff));
    const late = uuidV7From(1_001, new Uint8Array(10));
    expect(early < late).toBe(true);
  });
});

describe('newId', () => {
  it('makes distinct version 7 UUIDs', () => {
    const ids = Array.from({ length: 1000 }, newId);
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(1000);
  });
});
