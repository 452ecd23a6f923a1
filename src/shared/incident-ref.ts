/** How people refer to an incident: `INC-42`. The one formatter and parser of that form. */
export const incidentRef = (n: number): string => `INC-${n}`;

/** An incident number as people write it: `INC-42`, `inc-42`, `#42` or `42` → 42; anything else → null. */
export function parseIncidentNumber(ref: string): number | null {
  const m = /^(?:inc-|#)?(\d{1,9})$/i.exec(ref.trim());
  return m?.[1] ? Number(m[1]) : null;
}
