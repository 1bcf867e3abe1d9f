/**
 * Surveys of pilots created with `stemmen pilot create`: each pilot row names its survey
 * file, loaded at start and, for a pilot created while the bot runs, on its first message.
 * Their locale namespaces are added to the running i18n instance.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';
import type { SurveyEntry } from './handler.ts';
import { readLocales } from '../i18n.ts';
import { loadSurveyFile, SurveyFileError } from './survey-files.ts';

export class PilotSurveys {
  /** Survey id → the file it came from, to refuse two different files with one id. */
  private readonly fileOf = new Map<string, string>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly surveys: Map<string, SurveyEntry>,
    private readonly i18n: I18n,
    private readonly localesDir: string,
    private readonly log: Logger,
    defaultSurveyFile: string,
  ) {
    for (const id of surveys.keys()) this.fileOf.set(id, defaultSurveyFile);
  }

  /** The survey of a pilot row, loading its file once; undefined (and logged) when it cannot be used. */
  load(pilot: { code: string; surveyId: string; surveyFile: string | null }): SurveyEntry | undefined {
    const known = this.surveys.get(pilot.surveyId);
    if (known) return known;
    const file = pilot.surveyFile;
    if (file === null || this.failed.has(file)) return undefined;
    try {
      const loaded = loadSurveyFile(file, readLocales(this.localesDir));
      const { survey, locales } = loaded;
      const other = this.fileOf.get(survey.id);
      if (survey.id !== pilot.surveyId || (other !== undefined && other !== file)) {
        throw new Error(`it holds survey "${survey.id}", but the pilot expects "${pilot.surveyId}"${other ? ` (and ${other} already has that id)` : ''}`);
      }
      for (const lng of survey.languages) {
        const texts = locales.resources[lng]?.[survey.namespace];
        if (texts) this.i18n.addResourceBundle(lng, survey.namespace, texts, true, true);
      }
      const entry: SurveyEntry = { survey, resolveMedia: loaded.resolveMedia };
      this.surveys.set(survey.id, entry);
      this.fileOf.set(survey.id, file);
      return entry;
    } catch (e) {
      this.failed.add(file);
      const why = e instanceof SurveyFileError ? e.message : (e as Error).message;
      this.log.error(
        { pilot: pilot.code, file },
        `the survey of pilot "${pilot.code}" cannot be loaded; its links fall back to the default pilot until this is fixed and the bot restarted: ${why}`,
      );
      return undefined;
    }
  }
}
