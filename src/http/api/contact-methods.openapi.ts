import { z } from '@hono/zod-openapi';
import { CONTACT_METHOD_STATUSES, CONTACT_METHOD_TYPES } from '../../domains/paging/index.js';
import { problemResponse } from '../openapi/problem.schema.js';
import { json, jsonBody, route } from '../openapi/route.js';

const tags = ['Contact methods'];
const user = z.object({ id: z.string().openapi({ description: 'The user’s id' }) });
const method = user.extend({ cmId: z.string().openapi({ description: 'The contact method’s id' }) });
const instant = z.iso.datetime();

export const contactMethodSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    type: z.enum(CONTACT_METHOD_TYPES),
    phoneNumber: z.string().openapi({ description: 'E.164', example: '+14155550100' }),
    status: z.enum(CONTACT_METHOD_STATUSES).openapi({
      description:
        '`unverified` until its code is entered; `active` (the only state that is paged); `disabled` (its owner texted STOP); `invalid` (Twilio said it cannot receive)',
    }),
    verified: z.boolean(),
    statusReason: z.string().nullable(),
    verifiedAt: instant.nullable(),
    verifiedBy: z.string().nullable().openapi({ description: '`code`, or `admin:<user or API key id>`' }),
    codeSentAt: instant.nullable(),
    codeExpiresAt: instant.nullable(),
    createdAt: instant,
  })
  .openapi('ContactMethod');

const newMethodSchema = z
  .object({
    type: z.enum(CONTACT_METHOD_TYPES),
    phoneNumber: z.string().openapi({
      description: 'International format (E.164, spaces and dashes allowed), e.g. +14155550100',
      example: '+14155550100',
    }),
    verified: z.boolean().optional().openapi({
      description: 'Admins only (audited): active at once, no code sent',
    }),
  })
  .openapi('NewContactMethod');

const codeSchema = z
  .object({ code: z.string().openapi({ description: 'The 6 digits sent to the phone', example: '123456' }) })
  .openapi('VerificationCode');

export const listContactMethods = route({
  method: 'get',
  path: '/{id}/contact-methods',
  tags,
  summary: 'A person’s phone numbers for SMS and voice pages (responders and viewers: their own)',
  permission: 'contact_method:read',
  request: { params: user },
  responses: { 200: json(z.array(contactMethodSchema), 'The contact methods') },
});

export const addContactMethod = route({
  method: 'post',
  path: '/{id}/contact-methods',
  tags,
  summary:
    'Add a phone number (responders: their own). It is unverified, and a 6-digit code is texted (sms) or said in a call (voice); the same type and number again answers the method there is (201 new, 200 existing; a new code if it is still unverified and the last was sent over a minute ago)',
  permission: 'contact_method:write',
  rawBody: true,
  request: { params: user, body: jsonBody(newMethodSchema) },
  responses: {
    200: json(contactMethodSchema, 'The method the person had already'),
    201: json(contactMethodSchema, 'The new method'),
  },
});

export const deleteContactMethod = route({
  method: 'delete',
  path: '/{id}/contact-methods/{cmId}',
  tags,
  summary: 'Remove a phone number; the notification rules that use it are removed with it (audited)',
  permission: 'contact_method:write',
  request: { params: method },
  responses: { 204: { description: 'Removed' } },
});

export const verifyContactMethod = route({
  method: 'post',
  path: '/{id}/contact-methods/{cmId}/verify',
  tags,
  summary:
    'Enter the code: the method becomes active. A wrong code uses one of 5 tries (then ask for a new code); a code lasts 10 minutes',
  permission: 'contact_method:write',
  conflict: 'The number is disabled (its owner texted STOP) or cannot receive.',
  rawBody: true,
  request: { params: method, body: jsonBody(codeSchema) },
  responses: { 200: json(contactMethodSchema, 'The method, verified') },
});

export const resendContactMethodCode = route({
  method: 'post',
  path: '/{id}/contact-methods/{cmId}/resend',
  tags,
  summary: 'Send a new code (the tries start again): at most once a minute (429 sooner)',
  permission: 'contact_method:write',
  conflict: 'The method is verified already, disabled (STOP) or cannot receive.',
  request: { params: method },
  responses: {
    200: json(contactMethodSchema, 'The method, with its new code’s times'),
    429: problemResponse('A code was sent less than a minute ago (the answer says how long to wait).'),
  },
});

export const markContactMethodVerified = route({
  method: 'post',
  path: '/{id}/contact-methods/{cmId}/mark-verified',
  tags,
  summary: 'Mark a phone number verified without its code (admins; audited)',
  permission: 'contact_method:verify',
  conflict: 'The number is disabled: its owner texted STOP (START enables it again).',
  request: { params: method },
  responses: { 200: json(contactMethodSchema, 'The method, verified') },
});
