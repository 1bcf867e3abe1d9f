/**
 * Bad input from a person (command-line arguments, an uploaded or named file): the message
 * names the place and the fix. The CLI prints it and exits 1; the dashboard shows it calmly.
 * Lives in bot/ because the CLI and the dashboard share the readers that throw it.
 * @module
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
