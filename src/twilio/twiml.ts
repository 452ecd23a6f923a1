import twilio from 'twilio';
import { VOICE_MENU } from '../domains/paging/index.js';

/** TwiML answers, built with the SDK's own builders, and the SDK's check of a callback's signature. */

/** True when `signature` (X-Twilio-Signature) is Twilio's for `url` and the form `params`, signed with `authToken`. */
export function validSignature(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string>,
): boolean {
  return twilio.validateRequest(authToken, signature, url, params);
}

/** An inbound SMS's answer: the text to send back, or nothing. */
export function messageTwiml(text: string | null): string {
  const r = new twilio.twiml.MessagingResponse();
  if (text) r.message(text);
  return r.toString();
}

/**
 * A call's TwiML. A page: the incident said twice, then the menu, gathering one key (4 acknowledge, 5 escalate,
 * 6 resolve, * repeat); no key → said once more, then goodbye. A verification: the code, twice. A machine (or an
 * unknown call): hang up — a voicemail does not count as reaching the person.
 */
export function callTwiml(
  script: { text: string; purpose: 'page' | 'verification'; machine: boolean } | null,
  gatherUrl: string,
): string {
  const r = new twilio.twiml.VoiceResponse();
  if (!script || script.machine) {
    r.hangup();
    return r.toString();
  }
  if (script.purpose === 'verification') {
    r.say(script.text);
    r.pause({ length: 1 });
    r.say(script.text);
    r.hangup();
    return r.toString();
  }
  const g = r.gather({ numDigits: 1, timeout: 10, action: gatherUrl, method: 'POST' });
  g.say(script.text);
  g.pause({ length: 1 });
  g.say(script.text);
  g.say(VOICE_MENU);
  const again = r.gather({ numDigits: 1, timeout: 10, action: gatherUrl, method: 'POST' });
  again.say(VOICE_MENU);
  r.say('No key was pressed. Goodbye.');
  r.hangup();
  return r.toString();
}

/** After a key: what happened and goodbye; `*` repeats the call's message; a key that does nothing asks again. */
export function gatherTwiml(a: { repeat: string } | { said: string; retry: string }): string {
  const r = new twilio.twiml.VoiceResponse();
  if ('repeat' in a) {
    r.redirect({ method: 'POST' }, a.repeat);
    return r.toString();
  }
  r.say(a.said);
  if (a.said.startsWith('Sorry')) r.redirect({ method: 'POST' }, a.retry);
  else {
    r.say('Goodbye.');
    r.hangup();
  }
  return r.toString();
}
