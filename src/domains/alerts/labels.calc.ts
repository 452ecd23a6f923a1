import type { AlertLink, Severity } from './alerts.types.js';
import { mapSeverity } from './severity.calc.js';

type Strings = Readonly<Record<string, string>>;

/** The first non-empty value among `keys` (Prometheus treats an empty label as absent). */
export function firstOf(map: Strings, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = map[key];
    if (value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

export const SERVICE_LABELS = ['service', 'service_name', 'app', 'job'] as const;
export const ENVIRONMENT_LABELS = ['env', 'environment', 'deployment_environment'] as const;
export const SEVERITY_LABELS = ['severity', 'priority'] as const;

/** `service` → `service_name` → `app` → `job` → 'unknown'. */
export function serviceFrom(labels: Strings): string {
  return firstOf(labels, SERVICE_LABELS) ?? 'unknown';
}

/** `env` → `environment` → `deployment_environment` → 'production'. */
export function environmentFrom(labels: Strings): string {
  return firstOf(labels, ENVIRONMENT_LABELS) ?? 'production';
}

/** `severity` → `priority` label, through the severity table; P3 when neither says. */
export function severityFrom(labels: Strings, fallback?: Severity): Severity {
  return mapSeverity(firstOf(labels, SEVERITY_LABELS), fallback);
}

/** `summary` annotation → `alertname` label → 'Alert'. */
export function titleFrom(labels: Strings, annotations: Strings): string {
  return firstOf(annotations, ['summary']) ?? firstOf(labels, ['alertname']) ?? 'Alert';
}

/** `description` → `message` annotation → null. */
export function descriptionFrom(annotations: Strings): string | null {
  return firstOf(annotations, ['description', 'message']) ?? null;
}

/** Annotations that carry a link, and what the link is called. */
export const LINK_ANNOTATIONS: ReadonlyArray<readonly [key: string, text: string]> = [
  ['runbook_url', 'Runbook'],
  ['dashboard_url', 'Dashboard'],
  ['grafana_url', 'Dashboard'],
];

export interface MaybeLink {
  href: string | null | undefined;
  text: string;
}

const HTTP_URL = /^https?:\/\/\S+$/i;

function isHttpUrl(href: string): boolean {
  return HTTP_URL.test(href) && URL.canParse(href);
}

/**
 * Links from well-known annotations, then the source-specific `extra` ones
 * (e.g. Alertmanager's generatorURL as 'Source'). Only http(s) URLs are kept,
 * each href once.
 */
export function linksFrom(annotations: Strings, extra: readonly MaybeLink[] = []): AlertLink[] {
  const candidates: MaybeLink[] = LINK_ANNOTATIONS.map(([key, text]) => ({ href: annotations[key], text }));
  candidates.push(...extra);
  const links: AlertLink[] = [];
  const seen = new Set<string>();
  for (const { href, text } of candidates) {
    if (!href) continue;
    const trimmed = href.trim();
    if (seen.has(trimmed) || !isHttpUrl(trimmed)) continue;
    seen.add(trimmed);
    links.push({ href: trimmed, text });
  }
  return links;
}

// FNV-1a 64-bit in four 16-bit limbs (JavaScript numbers cannot hold 64-bit products).
const OFFSET_LIMBS = [0x2325, 0x8422, 0x9ce4, 0xcbf2] as const;
const SEPARATOR = 0xff;

class Fnv64 {
  private h0: number = OFFSET_LIMBS[0];
  private h1: number = OFFSET_LIMBS[1];
  private h2: number = OFFSET_LIMBS[2];
  private h3: number = OFFSET_LIMBS[3];

  addByte(byte: number): void {
    // h ^= byte; h *= 0x100000001b3 (= 2^40 + 0x1b3)
    const t0 = (this.h0 ^ byte) * 0x1b3;
    let t1 = this.h1 * 0x1b3;
    let t2 = this.h2 * 0x1b3 + ((this.h0 ^ byte) << 8);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8);
    t1 += t0 >>> 16;
    this.h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    this.h1 = t1 & 0xffff;
    this.h3 = (t3 + (t2 >>> 16)) & 0xffff;
    this.h2 = t2 & 0xffff;
  }

  addString(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        for (const byte of Buffer.from(s.slice(i), 'utf8')) this.addByte(byte);
        return;
      }
      this.addByte(c);
    }
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
  }
}

/**
 * The fingerprint Alertmanager and Grafana give a label set (Prometheus'
 * `LabelSet.Fingerprint()`: FNV-1a 64 over the sorted names and values, each
 * followed by 0xff), as 16 hex digits. Used when a payload leaves it out, so
 * the same alert deduplicates the same way with or without it.
 */
export function labelsFingerprint(labels: Strings): string {
  const hash = new Fnv64();
  for (const name of Object.keys(labels).sort()) {
    hash.addString(name);
    hash.addByte(SEPARATOR);
    hash.addString(labels[name] ?? '');
    hash.addByte(SEPARATOR);
  }
  return hash.hex();
}
