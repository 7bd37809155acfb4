import { z } from 'zod';

/** The error body every route may answer with (documented once, reused by all routes). */
export const ErrorResponse = z.object({ code: z.string(), message: z.string() }).catchall(z.unknown());

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
} as const;
