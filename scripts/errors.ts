/**
 * Bad command-line input (arguments, input files): the message names the place and the fix.
 * The CLI's error boundary prints it and exits 1, without a stack trace. One class with the
 * dashboard's, so readers shared by both (CSV, contact lists) throw what the CLI knows.
 * @module
 */
export { UsageError } from '../bot/usage-error.ts';
