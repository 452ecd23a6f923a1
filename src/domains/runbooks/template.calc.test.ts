import { describe, expect, it } from '@jest/globals';
import {
  jsonStringEscape,
  renderTemplate,
  type TemplateFields,
  templateFieldsOf,
  unknownTemplateFields,
} from './template.calc.js';

const fields: TemplateFields = {
  incident: {
    ref: 'INC-42',
    id: 'a1',
    title: 'Checkout "5xx"',
    severity: 'P1',
    service: 'checkout',
    environment: 'production',
    status: 'triggered',
  },
  labels: { instance: 'web-1:9100' },
  annotations: { summary: 'Error rate above 5%' },
};

describe('runbook action templates', () => {
  it('lists the fields a template names, once each, in order', () => {
    expect(templateFieldsOf('{{incident.ref}} {{ labels.instance }} {{incident.ref}}')).toEqual([
      'incident.ref',
      'labels.instance',
    ]);
  });

  it('knows the incident fields, labels.NAME and annotations.NAME, and nothing else', () => {
    expect(
      unknownTemplateFields(
        '{{incident.ref}}{{incident.id}}{{incident.title}}{{incident.severity}}{{incident.service}}' +
          '{{incident.environment}}{{incident.status}}{{labels.pod}}{{annotations.summary}}',
      ),
    ).toEqual([]);
    expect(unknownTemplateFields('{{incident.owner}} {{labels.}} {{secrets.token}} {{labels.a-b}}')).toEqual([
      'incident.owner',
      'labels.',
      'secrets.token',
      'labels.a-b',
    ]);
  });

  it('renders values, a missing label as empty, and escapes when asked', () => {
    expect(renderTemplate('{{incident.ref}} on {{labels.instance}} ({{labels.pod}})', fields)).toBe(
      'INC-42 on web-1:9100 ()',
    );
    expect(renderTemplate('{"t":"{{incident.title}}"}', fields, jsonStringEscape)).toBe(
      '{"t":"Checkout \\"5xx\\""}',
    );
    expect(JSON.parse(renderTemplate('{"t":"{{incident.title}}"}', fields, jsonStringEscape))).toEqual({
      t: 'Checkout "5xx"',
    });
  });

  it('refuses to render an unknown field', () => {
    expect(() => renderTemplate('{{incident.owner}}', fields)).toThrow(
      'unknown template field: incident.owner',
    );
  });
});
