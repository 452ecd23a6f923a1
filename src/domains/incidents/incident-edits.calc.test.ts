import { describe, expect, it } from '@jest/globals';
import { editsOf } from './incident-edits.calc.js';

describe('editing an incident', () => {
  const inc = { severity: 3, title: 'Checkout slow' };

  it('changes the severity by hand, as a severity_changed event', () => {
    expect(editsOf(inc, { severity: 1 })).toEqual({
      fields: { severity: 1 },
      events: [{ kind: 'severity_changed', data: { from: 3, to: 1, cause: 'manual' } }],
    });
  });

  it('renames, as a title_changed event, with the title on one line', () => {
    expect(editsOf(inc, { title: '  Checkout   down ' })).toEqual({
      fields: { title: 'Checkout down' },
      events: [{ kind: 'title_changed', data: { from: 'Checkout slow', to: 'Checkout down' } }],
    });
  });

  it('records nothing when nothing changes', () => {
    expect(editsOf(inc, { severity: 3, title: 'Checkout slow' })).toEqual({ fields: {}, events: [] });
  });
});
