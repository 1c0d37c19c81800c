/**
 * Domain errors. Models throw them with a sentence a person understands; routes map them
 * to status codes (see app/lib/responses.ts `domainErrorResponse`).
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 429,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(message: string) {
    super(message, 404);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super(message, 403);
  }
}

export class Conflict extends DomainError {
  constructor(message: string) {
    super(message, 409);
  }
}

export class InvalidTransition extends DomainError {
  constructor(message: string) {
    super(message, 409);
  }
}

export class Unprocessable extends DomainError {
  constructor(message: string) {
    super(message, 422);
  }
}

/** Too much too fast; `retryAfterSeconds` becomes the response's Retry-After. */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429);
  }
}

/** A value a person typed breaks a rule only the model can check; `field` names the form field. */
export class InvalidField extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, 400);
  }
}

/** A link from a mail that cannot be used (forged, cut short, used, expired, or for an address no longer on the account). */
export class InvalidLink extends DomainError {
  constructor(message: string) {
    super(message, 400);
  }
}
