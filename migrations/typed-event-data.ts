/**
 * The SQL that turns a timeline item stored before typed events (a kind, the message people read, loose data) into
 * the typed data of its kind (src/domains/incidents/timeline.types.ts). Migrations only: this is the one place
 * old messages are read, once, to fill in what the data never held (an alert's title, a note's text).
 */
export interface OldEvent {
  /** SQL expressions for the item's kind, message and data. */
  kind: string;
  message: string;
  data: string;
  /** The incident's title, service, severity and source (for `created`). */
  incident: { title: string; service: string; severity: string; source: string };
  /** The assignee's name, when known (for `assigned`). */
  userName: string;
}

export function typedEventDataSql(e: OldEvent): string {
  const { kind: k, message: m, data: d } = e;
  const titles = (prefix: string) =>
    `coalesce(to_jsonb(string_to_array(nullif(regexp_replace(${m}, '${prefix}', ''), ${m}), '; ')), '[]'::jsonb)`;
  return `case ${k}
    when 'created' then jsonb_build_object(
      'verb', case when ${m} ~ ' declared by ' or ${e.incident.source} = 'manual' then 'declared' else 'opened' end,
      'title', ${e.incident.title}, 'service', ${e.incident.service}, 'severity', ${e.incident.severity})
    when 'alert_fired' then case
      when ${d} ? 'alertIds' or ${m} ~ '^[0-9]+ alerts fired' then jsonb_build_object(
        'count', coalesce((${d}->>'count')::int, (substring(${m} from '^([0-9]+) alerts'))::int, 1),
        'titles', ${titles('^[0-9]+ alerts fired, including: ')},
        'alertIds', coalesce(${d}->'alertIds', '[]'::jsonb), 'severity', null)
      else jsonb_build_object('count', 1, 'titles', jsonb_build_array(regexp_replace(${m}, '^Alert fired: ', '')),
        'alertIds', case when ${d} ? 'alertId' then jsonb_build_array(${d}->>'alertId') else '[]'::jsonb end,
        'severity', ${d}->'severity')
      end
    when 'alert_resolved' then case
      when ${d} ? 'count' or ${m} ~ '^[0-9]+ alerts resolved' then jsonb_build_object(
        'count', coalesce((${d}->>'count')::int, (substring(${m} from '^([0-9]+) alerts'))::int, 1),
        'titles', '[]'::jsonb)
      else jsonb_build_object('count', 1,
        'titles', jsonb_build_array(regexp_replace(${m}, '^Alert resolved: ', '')))
      end
    when 'acknowledged' then ${transition(d, m)}
    when 'resolved' then ${transition(d, m)}
    when 'retriggered' then ${transition(d, m)}
    when 'assigned' then jsonb_build_object('userId', coalesce(${d}->>'userId', ''),
      'userName', coalesce(${e.userName}, substring(${m} from ' assigned to (.*) by '), 'someone'))
    when 'note' then jsonb_build_object('text', ${m})
    when 'severity_changed' then ${d} || jsonb_build_object('cause', 'alert')
    when 'notification_failed' then jsonb_build_object(
      'destination', case
        when ${m} like 'Slack DM%' then 'slack.dm'
        when ${m} like 'Slack card update%' then 'slack.update'
        when ${m} like 'Slack thread reply%' then 'slack.reply'
        else 'slack.post' end,
      'lane', coalesce(${d}->>'channel', ''), 'reason', coalesce(${d}->>'reason', ''),
      'outboxId', coalesce(${d}->>'outboxId', ''))
    else ${d}
  end`;
}

/** Acknowledge, resolve, re-trigger: the note (from the data, else after "by <actor>: "), and the alerts ended. */
function transition(d: string, m: string): string {
  return `jsonb_strip_nulls(jsonb_build_object(
      'note', coalesce(${d}->>'note', substring(${m} from '^INC-[0-9]+ [a-z-]+ by [^:]*: (.*)$')),
      'endedAlerts', coalesce((${d}->>'endedAlerts')::int, 0)))`;
}
