/**
 * Body templates of `http` actions: `{{incident.ref}}`, `{{labels.instance}}`, `{{annotations.summary}}`.
 * A placeholder is `{{ field }}` (spaces allowed); only the fields below are known, so a typo is refused when the
 * runbook is saved rather than sent as an empty string at 03:00.
 */

export const INCIDENT_TEMPLATE_FIELDS = [
  'incident.ref',
  'incident.id',
  'incident.title',
  'incident.severity',
  'incident.service',
  'incident.environment',
  'incident.status',
] as const;

/** The values a template is rendered with. */
export interface TemplateFields {
  incident: {
    ref: string;
    id: string;
    title: string;
    severity: string;
    service: string;
    environment: string;
    status: string;
  };
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAP_FIELD = /^(labels|annotations)\.([a-zA-Z_][a-zA-Z0-9_]*)$/;

/** Every field a template names, in order of first appearance. */
export function templateFieldsOf(template: string): string[] {
  const out = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) out.add(m[1]!);
  return [...out];
}

/** Whether a field is one templates may name. */
export function isKnownTemplateField(field: string): boolean {
  return (INCIDENT_TEMPLATE_FIELDS as readonly string[]).includes(field) || MAP_FIELD.test(field);
}

/** The fields a template names that are not known (empty: the template is fine). */
export function unknownTemplateFields(template: string): string[] {
  return templateFieldsOf(template).filter((f) => !isKnownTemplateField(f));
}

/**
 * Renders a template: each known placeholder becomes its value (a label or annotation the alert lacks is "");
 * `encode` is applied to each value (e.g. JSON string escaping when the body is JSON). An unknown field throws.
 */
export function renderTemplate(
  template: string,
  fields: TemplateFields,
  encode: (value: string) => string = (v) => v,
): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => {
    if (name.startsWith('incident.') && isKnownTemplateField(name)) {
      const key = name.slice('incident.'.length) as keyof TemplateFields['incident'];
      return encode(fields.incident[key]);
    }
    const m = MAP_FIELD.exec(name);
    if (!m) throw new Error(`unknown template field: ${name}`);
    const map = m[1] === 'labels' ? fields.labels : fields.annotations;
    return encode(map[m[2]!] ?? '');
  });
}

/** Escapes a value for inside a JSON string literal (`"…{{labels.x}}…"`). */
export const jsonStringEscape = (value: string): string => JSON.stringify(value).slice(1, -1);
