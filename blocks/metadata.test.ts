import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AppError } from '../src/shared/errors.js';
import { decodeMetadata, encodeMetadata } from './metadata.js';

const Schema = z.object({ incidentId: z.string().uuid(), channel: z.string() });
const value = { incidentId: '7f1c2a8e-0b7e-4c61-9a35-2d2f1a6b9c01', channel: 'C123' };

describe('metadata codec', () => {
  it('round-trips', () => {
    const encoded = encodeMetadata(Schema, value);
    expect(typeof encoded).toBe('string');
    expect(decodeMetadata(Schema, encoded)).toEqual(value);
  });

  it('refuses values that do not fit 3,000 characters', () => {
    const Big = z.object({ s: z.string() });
    expect(() => encodeMetadata(Big, { s: 'x'.repeat(3000) })).toThrow(/limit is 3000/);
    try {
      encodeMetadata(Big, { s: 'x'.repeat(3000) });
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('too_large');
    }
  });

  it('refuses to encode what the schema rejects', () => {
    expect(() => encodeMetadata(Schema, { incidentId: 'nope', channel: 'C1' })).toThrow(AppError);
  });

  it('says clearly what is wrong with a bad string', () => {
    expect(() => decodeMetadata(Schema, 'not json')).toThrow(/not valid JSON/);
    expect(() => decodeMetadata(Schema, '')).toThrow(/empty/);
    expect(() => decodeMetadata(Schema, JSON.stringify({ channel: 'C1' }))).toThrow(/incidentId/);
    try {
      decodeMetadata(Schema, '{"incidentId":"x","channel":"C1"}');
    } catch (err) {
      expect((err as AppError).code).toBe('validation');
      expect((err as AppError).fields.map((f) => f.field)).toEqual(['incidentId']);
    }
  });
});
