import { describe, expect, it } from '@jest/globals';
import { replyDetail } from './reply-detail.calc.js';

describe('thread reply detail', () => {
  it('drops what the headline already says', () => {
    expect(replyDetail('INC-4 acknowledged by Alice Smith', 'INC-4', 'Alice Smith')).toBe('');
    expect(replyDetail('INC-4 resolved by Alice: disk full', 'INC-4', 'Alice')).toBe('disk full');
    expect(replyDetail('INC-4 assigned to Bob by Alice', 'INC-4', 'Alice')).toBe('assigned to Bob');
  });

  it('keeps other messages as they are', () => {
    expect(replyDetail('Alert fired: HighLatency', 'INC-4', 'Alertmanager')).toBe('Alert fired: HighLatency');
    expect(replyDetail('checked the dashboards', 'INC-4', 'Alice')).toBe('checked the dashboards');
  });
});
