/**
 * An error a service returns as a value over the API: a code for programs, a message for people,
 * details (for example problems with JSON paths) for the UI. Never a stack trace.
 */
export class ServiceError extends Error {
  constructor(readonly code: string, message: string, readonly details?: Record<string, unknown>) {
    super(message)
    this.name = 'ServiceError'
  }
}

export function serviceError(code: string, message: string, details?: Record<string, unknown>): ServiceError {
  return new ServiceError(code, message, details)
}
