/**
 * Problems found in a survey file, and how they are printed.
 * @module
 */
import type { SpecPath } from './positions.ts';

export type Severity = 'error' | 'warning';

/** A problem at a place in a survey file. Line and column are 1-based. */
export interface SpecIssue {
  file: string;
  line: number;
  column: number;
  /** Where in the spec, e.g. `questions[3].indicator`; empty for the file as a whole. */
  path: string;
  message: string;
  severity: Severity;
}

/** A problem before it is placed in the source: the checks know paths, not lines. */
export interface RawIssue {
  path: SpecPath;
  message: string;
  severity: Severity;
  /** Point at the mapping key rather than its value (unknown keys). */
  atKey?: boolean;
}

export const error = (path: SpecPath, message: string, atKey = false): RawIssue => ({ path, message, severity: 'error', atKey });
export const warning = (path: SpecPath, message: string): RawIssue => ({ path, message, severity: 'warning' });

/** `file:line:column path: message`, with `warning: ` after the location for warnings. */
export function formatIssue(i: SpecIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  const level = i.severity === 'warning' ? 'warning: ' : '';
  const what = i.path === '' ? i.message : `${i.path}: ${i.message}`;
  return `${where} ${level}${what}`;
}
