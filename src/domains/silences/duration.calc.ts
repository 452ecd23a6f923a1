/** `30m`, `2h`, `1d`, `1h30m`, `90s`, `1w` → milliseconds; null when it is not one. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (!/^(\d+[smhdw])+$/.test(s)) return null;
  const unit: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * unit[u!]!;
  return total > 0 ? total : null;
}

/** A duration as people read it: `2h`, `1d 4h`, `30m`. */
export function durationText(ms: number): string {
  const mins = Math.round(ms / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean);
  return parts.join(' ') || '0m';
}
