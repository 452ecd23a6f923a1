/**
 * The detail line of a thread reply, without what the headline already says: "INC-4 resolved by Alice: disk
 * full" → "disk full"; "INC-4 assigned to Bob by Alice" → "assigned to Bob".
 */
export function replyDetail(message: string, ref: string, actorName: string): string {
  let s = message.trim();
  if (s.startsWith(`${ref} `)) s = s.slice(ref.length + 1);
  const verb = /^(acknowledged|resolved|re-triggered|declared|opened) by /.exec(s);
  if (verb && s.slice(verb[0].length).startsWith(actorName)) {
    s = s.slice(verb[0].length + actorName.length).replace(/^:\s*/, '');
  }
  const by = ` by ${actorName}`;
  if (s.endsWith(by)) s = s.slice(0, -by.length);
  return s.trim();
}
