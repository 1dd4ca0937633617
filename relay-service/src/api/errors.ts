// Refusals that carry more than a message: the error handler (server.ts)
// sends `{ error, details?, ...body }` with the status code.

export interface ErrorDetail {
  /** dotted path of the failing input, e.g. `fields.target_thickness` */
  field: string;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  /** further members of the response body (e.g. `current` with a 409) */
  readonly body: Record<string, unknown> | undefined;
  /** response headers (e.g. the current ETag with a 409) */
  readonly headers: Record<string, string> | undefined;

  constructor(statusCode: number, message: string, extra: { details?: ErrorDetail[]; body?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.statusCode = statusCode;
    this.details = extra.details;
    this.body = extra.body;
    this.headers = extra.headers;
  }
}

/** 400 naming every failing field. */
export function invalid(details: ErrorDetail[], what = 'input'): ApiError {
  const summary = details.slice(0, 10).map((d) => `${d.field} ${d.message}`).join('; ');
  return new ApiError(400, `invalid ${what}: ${summary}${details.length > 10 ? `; and ${details.length - 10} more` : ''}`, { details });
}
