/**
 * Which pilot a message belongs to: the one it asks to join (a deep link or a typed code),
 * or the default. Found pilots are cached, since a pilot never changes survey.
 * @module
 */
import type { Survey } from '../../surveys/model.ts';
import type { Store } from '../../storage/store.ts';
import type { InboundMessage } from '../channels/port.ts';

/** A loaded survey and how to find its recorded prompt files. */
export interface SurveyEntry {
  survey: Survey;
  resolveMedia: (file: string) => string;
}
/** A pilot as the conversation uses it: its code and its survey. */
export interface Pilot extends SurveyEntry {
  code: string;
}
/** A pilot a message asks to join, with the language its link preselects. */
export interface Requested {
  pilot: Pilot;
  language?: string;
}

export interface PilotResolverDeps {
  store: Store;
  /** Loaded surveys by id. Pilots (code → survey id) are rows in the store. */
  surveys: ReadonlyMap<string, SurveyEntry>;
  /** Loads the survey of a pilot that is not in `surveys` yet (created with its own survey file). */
  loadPilotSurvey?: ((pilot: { code: string; surveyId: string; surveyFile: string | null }) => SurveyEntry | undefined) | undefined;
  defaultPilot: string;
}

export class PilotResolver {
  private readonly known = new Map<string, Pilot>();

  constructor(private readonly deps: PilotResolverDeps) {}

  /** The default pilot; its survey must be loaded. */
  async fallback(): Promise<Pilot> {
    const p = await this.pilot(this.deps.defaultPilot);
    if (!p) throw new Error(`the default pilot "${this.deps.defaultPilot}" has no loaded survey`);
    return p;
  }

  /** The loaded survey of a stored session's survey id, if this process has it. */
  survey(surveyId: string): SurveyEntry | undefined {
    return this.deps.surveys.get(surveyId);
  }

  /**
   * The pilot a message asks to join: `/start <code>` (Telegram deep links), or a text that is
   * just a pilot code, optionally after "start" (the pre-filled text of a wa.me link). A code
   * may end in `-<lng>` (one of the survey's languages) to preselect the language.
   */
  async requested(msg: InboundMessage): Promise<Requested | undefined> {
    const c = msg.content;
    // Bidi marks and isolates come along when a code is copied from a right-to-left message.
    const clean = (t: string) =>
      t
        .replace(/[\u200e\u200f\u2066-\u2069]/g, '')
        .trim()
        .toLowerCase();
    const code =
      c.kind === 'command' && c.command === 'start'
        ? c.arg !== undefined
          ? clean(c.arg)
          : undefined
        : c.kind === 'text'
          ? clean(c.text).replace(/^\/?start\s+/, '')
          : undefined;
    if (!code || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(code)) return undefined;
    // A typed word equal to the default code is more likely an answer than a request.
    if (c.kind === 'text' && code === this.deps.defaultPilot) return undefined;
    const exact = await this.pilot(code);
    if (exact) return { pilot: exact };
    const m = /^(.+)-([a-z]{2,3})$/.exec(code);
    const base = m ? await this.pilot(m[1]!) : undefined;
    return base?.survey.languages.includes(m![2]!) ? { pilot: base, language: m![2]! } : undefined;
  }

  /**
   * A pilot by code. Found pilots are remembered, so the hot path does not read the pilots
   * table for every message; unknown codes are looked up again, so a pilot created while we
   * run is found.
   */
  async pilot(code: string): Promise<Pilot | undefined> {
    const known = this.known.get(code);
    if (known) return known;
    const row = await this.deps.store.pilots.find(code);
    const entry = row && (this.deps.surveys.get(row.surveyId) ?? this.deps.loadPilotSurvey?.({ code, surveyId: row.surveyId, surveyFile: row.surveyFile }));
    if (!entry) return undefined;
    const pilot = { code, ...entry };
    this.known.set(code, pilot);
    return pilot;
  }
}
