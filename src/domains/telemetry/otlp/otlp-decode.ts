import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import { readLogsRequest } from './otlp-logs-reader.js';
import { decodeRequest, type OtlpSignal } from './otlp-proto.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** The encoding a Content-Type names (OTLP/HTTP: protobuf or JSON), or null for any other. */
export function encodingOf(contentType: string | null | undefined): OtlpEncoding | null {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return null;
}

/** The outline of OTLP/JSON requests (what is inside each record is read leniently by the routing). */
const list = z.array(z.looseObject({})).optional();
const ENVELOPE: Record<OtlpSignal, z.ZodType> = {
  logs: z.looseObject({
    resourceLogs: z
      .array(
        z.looseObject({
          resource: z.looseObject({}).optional(),
          scopeLogs: z.array(z.looseObject({ logRecords: list })).optional(),
        }),
      )
      .optional(),
  }),
  metrics: z.looseObject({
    resourceMetrics: z
      .array(
        z.looseObject({
          resource: z.looseObject({}).optional(),
          scopeMetrics: z.array(z.looseObject({ metrics: list })).optional(),
        }),
      )
      .optional(),
  }),
  traces: z.looseObject({
    resourceSpans: z
      .array(
        z.looseObject({
          resource: z.looseObject({}).optional(),
          scopeSpans: z.array(z.looseObject({ spans: list })).optional(),
        }),
      )
      .optional(),
  }),
};

const undecodable = (what: string, why: string) =>
  AppError.validation(`The request body is not an OTLP ${what} export request (${why}).`, [
    { field: '(body)', message: why },
  ]);

/** Decodes an OTLP/HTTP export request's body; a body that is not one is a 400. */
export function decodeOtlp(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Uint8Array,
): Record<string, unknown> {
  if (encoding === 'protobuf') {
    try {
      return signal === 'logs' ? readLogsRequest(body) : decodeRequest(signal, body);
    } catch (err) {
      throw undecodable(signal, err instanceof Error ? err.message : 'undecodable protobuf');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw undecodable(signal, err instanceof Error ? err.message : 'invalid JSON');
  }
  const ok = ENVELOPE[signal].safeParse(parsed);
  if (!ok.success) {
    const issue = ok.error.issues[0];
    throw undecodable(
      signal,
      `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected shape'}`,
    );
  }
  return parsed as Record<string, unknown>;
}
