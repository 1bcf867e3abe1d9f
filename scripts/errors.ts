/**
 * Bad command-line input (arguments, input files): the message names the place and the fix.
 * The CLI's error boundary prints it and exits 1, without a stack trace.
 * @module
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
