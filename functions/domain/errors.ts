/**
 * Domain errors. Handlers throw these; one place (`#http/errors`) maps them to HTTP.
 * Match them with `instanceof`, never by name.
 */
export type ErrorDetails = Record<string, unknown> | unknown[];

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: ErrorDetails;

  constructor(message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    if (details !== undefined) this.details = details;
  }
}

/** The request cannot be read at all (malformed JSON, bad cursor). */
export class BadRequestError extends DomainError {
  readonly code = 'bad_request';
}

/** No valid credentials. */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

/** Authenticated, but the action is reserved to someone else (e.g. managers). */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Does not exist, or exists but the caller may not know it does. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

/** The resource is in a state that does not allow the action (a lost race, a final status). */
export class ConflictError extends DomainError {
  readonly code: string = 'conflict';
}

/** The resource existed but is no longer available (expired quote). */
export class GoneError extends DomainError {
  readonly code = 'gone';
}

/** `If-Match` did not match the current version. */
export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition_failed';
}

/** A limit on how often something may happen was reached (429); `details.retryAfterSeconds` says when to try again. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'too_many_requests';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type';
}

/** Well-formed input that breaks a rule: wrong types, unknown fields, unknown references. */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
}
