import { describe, expect, it } from 'vitest';
import { inQuietHours, localMinutes, nextAllowed, nextStep, type ReminderSettings } from '../../surveys/engine/reminders.ts';

const H = 3600_000;
const S: ReminderSettings = { delaysMs: [24 * H, 72 * H], quietStart: 21 * 60, quietEnd: 9 * 60, timeZone: 'Europe/Amsterdam', expireAfterMs: 7 * 24 * H };

describe('quiet hours (Europe/Amsterdam, 21:00–09:00)', () => {
  it('knows local time in summer (UTC+2) and winter (UTC+1)', () => {
    expect(localMinutes(new Date('2026-07-01T18:59:00Z'), S.timeZone)).toBe(20 * 60 + 59);
    expect(inQuietHours(new Date('2026-07-01T18:59:00Z'), S)).toBe(false);
    expect(inQuietHours(new Date('2026-07-01T19:00:00Z'), S)).toBe(true);
    expect(inQuietHours(new Date('2026-01-15T07:59:00Z'), S)).toBe(true);
    expect(inQuietHours(new Date('2026-01-15T08:00:00Z'), S)).toBe(false);
  });

  it('gives each minute its own local time, asked in any order, across a DST change and more minutes than it keeps', () => {
    const fresh = (at: Date) => {
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: S.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
      return Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
    };
    // 2026-03-29 01:00 UTC: Amsterdam goes from 02:00 to 03:00. Each minute around it, then the same minute a day later.
    const start = Date.parse('2026-03-28T23:00:00Z');
    for (let i = 0; i < 200; i++) {
      for (const at of [new Date(start + i * 60_000), new Date(start + i * 60_000 + 24 * H)]) expect(localMinutes(at, S.timeZone)).toBe(fresh(at));
    }
    expect(localMinutes(new Date('2026-03-29T00:59:30Z'), S.timeZone)).toBe(60 + 59);
    expect(localMinutes(new Date('2026-03-29T01:00:00Z'), S.timeZone)).toBe(3 * 60);
  });

  it('moves a time inside quiet hours to 09:00 local, across midnight and a DST change', () => {
    expect(nextAllowed(new Date('2026-07-01T19:30:00Z'), S).toISOString()).toBe('2026-07-02T07:00:00.000Z');
    expect(nextAllowed(new Date('2026-01-15T05:00:00Z'), S).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    // Night of 28→29 March 2026: clocks go from 02:00 to 03:00; 09:00 CEST is 07:00Z.
    expect(nextAllowed(new Date('2026-03-28T21:00:00Z'), S).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    const noon = new Date('2026-07-01T10:00:00Z');
    expect(nextAllowed(noon, S)).toBe(noon);
  });

  it('supports daytime quiet hours and none', () => {
    const lunch = { ...S, quietStart: 12 * 60, quietEnd: 13 * 60 };
    expect(nextAllowed(new Date('2026-01-15T11:30:00Z'), lunch).toISOString()).toBe('2026-01-15T12:00:00.000Z');
    expect(inQuietHours(new Date('2026-01-15T23:00:00Z'), { ...S, quietStart: 0, quietEnd: 0 })).toBe(false);
  });
});

describe('the reminder plan', () => {
  it('reminds after 24 h and 72 h, outside quiet hours, then expires after 7 days', () => {
    const last = '2026-07-01T10:00:00.000Z'; // 12:00 in Amsterdam
    expect(nextStep(last, 0, S)).toEqual({ kind: 'remind', step: 0, at: new Date('2026-07-02T10:00:00.000Z') });
    expect(nextStep(last, 1, S)).toEqual({ kind: 'remind', step: 1, at: new Date('2026-07-04T10:00:00.000Z') });
    expect(nextStep(last, 2, S)).toEqual({ kind: 'expire', at: new Date('2026-07-08T10:00:00.000Z') });
    // Last active at 22:30 local: the 24 h reminder would fall at 22:30 and waits until 09:00.
    expect(nextStep('2026-07-01T20:30:00.000Z', 0, S)).toEqual({ kind: 'remind', step: 0, at: new Date('2026-07-03T07:00:00.000Z') });
  });

  it('has nothing to do without reminders or expiry', () => {
    expect(nextStep('2026-07-01T10:00:00.000Z', 0, { ...S, delaysMs: [], expireAfterMs: 0 })).toBeNull();
  });
});
