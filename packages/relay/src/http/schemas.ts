import { z } from 'zod';

/** The error body every route may answer with. */
export const ErrorResponse = z.object({ code: z.string(), message: z.string() }).catchall(z.unknown());

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
} as const;

/** App ids are opaque, but bounded: they name rows and lease owners. */
export const AppIdParam = z.object({
  appId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, . _ : -'),
});
