import twilio from 'twilio';

/** What OpsWatch needs to reach Twilio and to check what Twilio sends it. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** TWILIO_API_URL: another base URL for Twilio's REST API (a fake in tests); Twilio's own when unset. */
  apiUrl?: string | undefined;
  /** PUBLIC_BASE_URL: where Twilio reaches OpsWatch (status callbacks, TwiML, replies). */
  publicBaseUrl: string;
}

/** Seconds a request to Twilio may take before its outcome counts as unknown. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The official SDK, pointed at TWILIO_API_URL when set. The SDK has no base-URL option and its region/edge
 * settings only rewrite *.twilio.com host names, so the API domain's public `baseUrl` is set here, in one place.
 * The SDK's own retries stay off: OpsWatch decides what is retried (a page is never sent twice).
 */
export function twilioClient(s: TwilioSettings): twilio.Twilio {
  const client = twilio(s.accountSid, s.authToken, { timeout: REQUEST_TIMEOUT_MS, autoRetry: false });
  if (s.apiUrl) client.api.baseUrl = s.apiUrl.replace(/\/+$/, '');
  return client;
}
