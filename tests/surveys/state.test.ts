import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSessionState, readSessionState, SessionStateError } from '../../surveys/engine/state.ts';
import { STATE_VERSION } from '../../surveys/engine/types.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';

const fixture = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/states', f), 'utf8');

describe('reading stored session state', () => {
  it('migrates a v1 state to the current version (golden)', () => {
    const r = readSessionState(fixture('v1-stopped.json'));
    expect(r).toEqual({ ok: true, from: 1, state: JSON.parse(fixture('v1-stopped.expected.json')) });
  });

  it('migrates a v2 state (before waves) to one that skips no background question (golden)', () => {
    const r = readSessionState(fixture('v2-completed.json'));
    expect(r).toEqual({ ok: true, from: 2, state: JSON.parse(fixture('v2-completed.expected.json')) });
  });

  it('reads a v1 session that was not stopped with no stop reason', () => {
    const v1 = { ...JSON.parse(fixture('v1-stopped.json')), phase: 'question', returnTo: null };
    expect(parseSessionState(JSON.stringify(v1))).toMatchObject({ v: STATE_VERSION, phase: 'question', stoppedBy: null });
  });

  it('leaves a current state as it is', () => {
    const s = sessionState({ phase: 'stopped', stoppedBy: 'expiry', returnTo: 'question' });
    expect(parseSessionState(JSON.stringify(s))).toEqual(s);
  });

  it('refuses a state newer than the code, saying what to do', () => {
    const future = JSON.stringify({ ...sessionState(), v: STATE_VERSION + 1 });
    expect(() => parseSessionState(future, 'sess-9')).toThrow(SessionStateError);
    expect(() => parseSessionState(future, 'sess-9')).toThrow(
      `session sess-9: session state has version ${STATE_VERSION + 1}, newer than this code (${STATE_VERSION})`,
    );
  });

  it('gives a clear error for garbage, naming the field', () => {
    expect(readSessionState('{not json')).toEqual({ ok: false, message: 'session state is not JSON' });
    expect(readSessionState('[]')).toEqual({ ok: false, message: 'session state is not an object' });
    expect(readSessionState('{}')).toEqual({ ok: false, message: 'session state has no valid version "v" (got undefined)' });
    const bad = readSessionState(JSON.stringify({ ...sessionState(), phase: 'dancing' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^session state \(version 3\) is invalid at phase: /);
    expect(() => parseSessionState('{}', 's1')).toThrow('session s1: session state has no valid version');
  });
});
