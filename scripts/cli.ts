/**
 * The `stemmen` command line. One error boundary: known errors print their message (which
 * names the file, place and fix) and exit 1; nothing prints a stack trace unless DEBUG=1.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../bot/config.ts';
import { LocaleFileError } from '../bot/i18n.ts';
import { SurveyFileError } from '../bot/conversation/survey-files.ts';
import { MigrationError } from '../bot/app.ts';
import { RedisUnavailableError } from '../workers/redis.ts';
import { UserInputError } from '../bot/web/auth.ts';
import { UsageError } from './errors.ts';

const KNOWN = [ConfigError, SurveyFileError, LocaleFileError, MigrationError, RedisUnavailableError, UserInputError, UsageError];

/** `a, b,c` → ['a', 'b', 'c'] for list options. */
const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('stemmen')
    .description("Chat surveys on the 14 Indicators of Integration, in the respondent's own language.")
    .exitOverride()
    .showHelpAfterError();

  program
    .command('start')
    .description('run the bot: migrations, try-it web chat, channels')
    .action(async () => {
      const { runStart } = await import('./commands/start.ts');
      code = await runStart(loadConfig(process.env));
    });

  program
    .command('worker')
    .description('run only the media workers (scale out: more machines sharing Redis and the database)')
    .action(async () => {
      const { runWorker } = await import('./commands/worker.ts');
      code = await runWorker(loadConfig(process.env));
    });

  program
    .command('migrate')
    .description('bring the database up to date and report each migration')
    .action(async () => {
      const { runMigrate } = await import('./commands/migrate.ts');
      code = await runMigrate(loadConfig(process.env));
    });

  const survey = program.command('survey').description('work with survey files');
  survey
    .command('validate')
    .description('check survey files; every problem is reported as file:line:column path: message')
    .argument('<files...>')
    .option('--max-minutes <n>', 'warn when a survey is estimated to take longer', '10')
    .option('--locales <dir>', "folder with the survey's texts (default: locales/ beside the survey file, else LOCALES_DIR)")
    .action(async (files: string[], o: { maxMinutes: string; locales?: string }) => {
      const { runValidate } = await import('./commands/survey.ts');
      code = runValidate(loadConfig(process.env), files, Number(o.maxMinutes), o.locales);
    });
  survey
    .command('preview')
    .description('print a survey as a respondent would see it')
    .argument('<file>')
    .option('--lang <code>', 'language to preview in')
    .option('--locales <dir>', "folder with the survey's texts (default: locales/ beside the survey file, else LOCALES_DIR)")
    .action(async (file: string, o: { lang?: string; locales?: string }) => {
      const { runPreview } = await import('./commands/survey.ts');
      code = runPreview(loadConfig(process.env), file, o.lang, o.locales);
    });

  survey
    .command('new')
    .description('assemble a pilot survey from the question bank (core question per indicator, or --all)')
    .requiredOption('--indicators <ids>', 'comma-separated indicator ids, e.g. work,health,housing')
    .requiredOption('--languages <codes>', 'comma-separated languages; the first is the default, e.g. nl,ar,ti,uk')
    .requiredOption('--out <file>', 'survey file to write, e.g. surveys/utrecht.yaml (its name is the survey id)')
    .option('--id <id>', 'survey id (default: the output file name)')
    .option('--all', 'every bank question of each indicator, not only its core question', false)
    .option('--background', "also the bank's optional background questions (age band, gender, origin, residence status, …), asked last", false)
    .option('--locales <dir>', "where to write the survey's texts (default: locales/ beside the survey file)")
    .option('--force', 'overwrite an existing survey file and its locale files', false)
    .option('--max-minutes <n>', 'warn when the survey is estimated to take longer', '10')
    .action(
      async (o: {
        indicators: string;
        languages: string;
        out: string;
        id?: string;
        all: boolean;
        background: boolean;
        locales?: string;
        force: boolean;
        maxMinutes: string;
      }) => {
        const { runSurveyNew } = await import('./commands/survey-new.ts');
        code = runSurveyNew(loadConfig(process.env), { ...o, indicators: list(o.indicators), languages: list(o.languages), maxMinutes: Number(o.maxMinutes) });
      },
    );

  survey
    .command('import-xlsform')
    .description('import a KoboToolbox/ODK XLSForm (.xlsx) as a survey file plus locale files')
    .argument('<form>', 'the .xlsx file')
    .option('--out <file>', 'survey file to write (default surveys/<form_id>.yaml)')
    .option('--id <id>', 'survey id (default: form_id from the settings sheet)')
    .option('--locales <dir>', "where to write the survey's texts (default: locales/ beside the survey file)")
    .option('--map <file>', 'CSV with name,indicator,outcome for questions the form does not map')
    .option('--force', 'overwrite an existing survey file and its locale files', false)
    .option('--max-minutes <n>', 'warn when the survey is estimated to take longer', '10')
    .action(async (form: string, o: { out?: string; id?: string; locales?: string; map?: string; force: boolean; maxMinutes: string }) => {
      const { runImportXlsForm } = await import('./commands/import-xlsform.ts');
      code = await runImportXlsForm(loadConfig(process.env), form, { ...o, maxMinutes: Number(o.maxMinutes) });
    });

  const tr = program.command('translations').description('translation coverage, translator tables and machine drafts');
  tr.command('status')
    .description('coverage per language and namespace, reviewed vs machine draft')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (o: { json: boolean }) => {
      const { runStatus } = await import('./commands/translations/report.ts');
      code = runStatus(loadConfig(process.env), o.json);
    });
  tr.command('export')
    .description('write a table (source, translation, status) for a translator')
    .requiredOption('--lang <code>', 'the language to translate into, e.g. ti')
    .option('--format <csv|xlsx>', 'file format', 'csv')
    .option('--out <file>', 'file to write (default translations-<lang>.<format>)')
    .option('--ns <namespace>', 'only this namespace, e.g. bank or survey-default-pilot')
    .option('--only-missing', 'only texts the language does not have yet', false)
    .action(async (o: { lang: string; format: 'csv' | 'xlsx'; out?: string; ns?: string; onlyMissing: boolean }) => {
      const { runExport } = await import('./commands/translations/report.ts');
      code = await runExport(loadConfig(process.env), o);
    });
  tr.command('import')
    .description('read a filled-in table back; placeholders and plural forms are checked')
    .argument('<file>', 'the .csv or .xlsx table')
    .requiredOption('--lang <code>', 'the language of the translation column')
    .option('--unreviewed', 'mark the imported texts as machine drafts, not reviewed', false)
    .action(async (file: string, o: { lang: string; unreviewed: boolean }) => {
      const { runTranslationsImport } = await import('./commands/translations/import.ts');
      code = await runTranslationsImport(loadConfig(process.env), file, o);
    });
  tr.command('machine-draft')
    .description('fill missing texts through the LibreTranslate server at MT_URL, marked unreviewed')
    .requiredOption('--lang <code>', 'the language to fill in')
    .option('--ns <namespace>', 'only this namespace')
    .action(async (o: { lang: string; ns?: string }) => {
      const { runMachineDraft } = await import('./commands/translations/draft.ts');
      code = await runMachineDraft(loadConfig(process.env), o);
    });

  const prompts = program.command('prompts').description('recorded prompts: what to record per language, and importing the recordings');
  prompts
    .command('record-list')
    .description("a translator's sheet (CSV and printable Markdown) of every text to record, with key, text and target file name")
    .option('--survey <file>', 'the survey file', 'surveys/definitions/default-pilot.yaml')
    .option('--languages <codes>', 'only these languages, e.g. prs,ps (default: all of the survey)')
    .option('--form <audio|video>', 'what is recorded', 'audio')
    .option('--out <dir>', 'folder to write record-list.csv and record-list.md into (default: print the CSV)')
    .action(async (o: { survey: string; languages?: string; form: string; out?: string }) => {
      const { runRecordList } = await import('./commands/prompts.ts');
      code = runRecordList(loadConfig(process.env), { ...o, languages: o.languages ? list(o.languages) : undefined });
    });
  prompts
    .command('import')
    .description('check recordings (<lng>/<key>.ogg) with ffprobe: coverage, codec, length; write the prompt map into the survey or print it')
    .argument('<dir>', 'folder of recordings, laid out as record-list names them')
    .option('--survey <file>', 'the survey file', 'surveys/definitions/default-pilot.yaml')
    .option('--languages <codes>', 'only these languages, e.g. prs,ps (default: all of the survey)')
    .option('--form <audio|video>', 'what was recorded', 'audio')
    .option('--write', 'write the prompt map into the survey file when every recording fits', false)
    .action(async (dir: string, o: { survey: string; languages?: string; form: string; write: boolean }) => {
      const { runImport } = await import('./commands/prompts.ts');
      code = await runImport(loadConfig(process.env), dir, { ...o, languages: o.languages ? list(o.languages) : undefined });
    });

  const pilot = program.command('pilot').description('pilots: codes, links and QR codes, response funnel');
  pilot
    .command('create')
    .description('register a pilot for a survey; prints its code')
    .requiredOption('--survey <file>', 'the survey file, e.g. surveys/pilot-utrecht.yaml')
    .requiredOption('--name <name>', 'a name researchers recognise, e.g. "Utrecht 2026"')
    .option('--channels <list>', 'channels to make links for: telegram, whatsapp', 'telegram,whatsapp')
    .option('--code <code>', 'pilot code (default: 6 random letters and digits)')
    .option('--org <id>', 'the organisation that owns it, whose staff see it (default: default); add one with `stemmen org add`')
    .option('--municipality <name>', 'where the pilot runs, e.g. Utrecht (shown on the pilots page and in comparisons)')
    .action(async (o: { survey: string; name: string; channels: string; code?: string; org?: string; municipality?: string }) => {
      const { runPilotCreate } = await import('./commands/pilot.ts');
      code = await runPilotCreate(loadConfig(process.env), { ...o, channels: list(o.channels) });
    });
  pilot
    .command('set')
    .description("change a pilot's details: where it runs")
    .argument('<code>')
    .option('--municipality <name>', 'where the pilot runs, e.g. Utrecht')
    .option('--clear-municipality', 'remove the municipality')
    .action(async (c: string, o: { municipality?: string; clearMunicipality?: boolean }) => {
      const { runPilotSet } = await import('./commands/pilot-set.ts');
      code = await runPilotSet(loadConfig(process.env), c, o);
    });
  pilot
    .command('links')
    .description('Telegram and WhatsApp links of a pilot, with QR codes as PNG and SVG')
    .argument('<code>')
    .option('--out <dir>', 'folder for the QR files (default pilots/<code>)')
    .option('--telegram-bot <username>', 'bot username (default: asked from Telegram with TELEGRAM_BOT_TOKEN)')
    .option('--whatsapp-number <digits>', "the bot's WhatsApp number with country code, e.g. 31612345678")
    .option('--per-language', 'also one link and QR code per survey language, with the language preselected', false)
    .action(async (c: string, o: { out?: string; telegramBot?: string; whatsappNumber?: string; perLanguage: boolean }) => {
      const { runPilotLinks } = await import('./commands/pilot-links.ts');
      code = await runPilotLinks(loadConfig(process.env), c, o);
    });
  pilot
    .command('invite')
    .description('invite people on a list (with recorded consent to be contacted) through WhatsApp, paced; safe to run again')
    .argument('<code>')
    .requiredOption('--contacts <file>', 'CSV (, ; or tab) with columns phone, consent (yes/no) and optionally language (or telefoon, toestemming, taal)')
    .option('--region <country>', 'country of numbers written without a country code, e.g. BE (default PHONE_DEFAULT_REGION, NL)')
    .option('--window <duration>', 'spread the invitations over this time, e.g. 90m or 2h (at most 20h)', '1h')
    .option('--no-wait', 'queue and return instead of showing progress until all are sent')
    .action(async (c: string, o: { contacts: string; region?: string; window: string; wait: boolean }) => {
      const { runPilotInvite } = await import('./commands/campaign.ts');
      code = await runPilotInvite(loadConfig(process.env), c, o.contacts, o);
    });
  pilot
    .command('share-results')
    .description('send what was learned to respondents who agreed to be contacted again, paced; safe to run again')
    .argument('<code>')
    .requiredOption('--message <lang=file...>', 'the message per language, e.g. --message nl=results-nl.txt --message ar=results-ar.txt')
    .option('--window <duration>', 'spread the messages over this time, e.g. 90m or 2h (at most 20h)', '1h')
    .option('--no-wait', 'queue and return instead of showing progress until all are sent')
    .action(async (c: string, o: { message: string[]; window: string; wait: boolean }) => {
      const { runShareResults } = await import('./commands/campaign.ts');
      code = await runShareResults(loadConfig(process.env), c, o.message, o);
    });
  const wave = pilot.command('wave').description('repeated waves: measure again with the people who agreed to be contacted again');
  wave
    .command('open')
    .description('open the next wave at a time; invites everyone who agreed to be contacted again, paced, outside quiet hours')
    .argument('<code>')
    .requiredOption('--at <when>', 'when the wave opens: a day such as 2027-03-01 (its start, UTC), an ISO time, or now')
    .option('--window <duration>', 'spread the invitations over this time from the opening, e.g. 90m or 2h (at most 20h)', '2h')
    .option('--notes <text>', 'a note kept with the wave, e.g. "one year after arrival"')
    .option('--no-wait', 'queue and return instead of showing progress until all are sent')
    .action(async (c: string, o: { at: string; window: string; notes?: string; wait: boolean }) => {
      const { runWaveOpen } = await import('./commands/waves.ts');
      code = await runWaveOpen(loadConfig(process.env), c, o);
    });
  wave
    .command('resume')
    .description("queue the newest wave's invitations again after an interrupted open (nobody gets one twice)")
    .argument('<code>')
    .option('--no-wait', 'queue and return instead of showing progress until all are sent')
    .action(async (c: string, o: { wait: boolean }) => {
      const { runWaveResume } = await import('./commands/waves.ts');
      code = await runWaveResume(loadConfig(process.env), c, o);
    });
  wave
    .command('list')
    .description('the waves of a pilot: when each opens and how its invitations went')
    .argument('<code>')
    .action(async (c: string) => {
      const { runWaveList } = await import('./commands/waves.ts');
      code = await runWaveList(loadConfig(process.env), c);
    });
  pilot
    .command('stats')
    .description('funnel per language and channel: invited, started, consented, completed, reminded, stopped, expired')
    .argument('<code>')
    .option('--json', 'print JSON instead of a table', false)
    .option('--split <question>', 'the map per group of a background question (e.g. residence_status), protected by the minimum group size')
    .option('--group <question:value>', 'only one group, e.g. residence_status:asylum')
    .action(async (c: string, o: { json: boolean; split?: string; group?: string }) => {
      if (o.split !== undefined || o.group !== undefined) {
        const { runPilotSplitStats } = await import('./commands/pilot-split.ts');
        code = await runPilotSplitStats(loadConfig(process.env), c, o);
        return;
      }
      const { runPilotStats } = await import('./commands/pilot.ts');
      code = await runPilotStats(loadConfig(process.env), c, o.json);
    });

  const user = program.command('user').description('dashboard accounts');
  user
    .command('add')
    .description('add a user, or set a new role and password (password from STEMMEN_PASSWORD or asked)')
    .argument('<email>')
    .requiredOption('--role <role>', 'admin (every organisation), researcher, coordinator or viewer (aggregates only)')
    .option('--org <ids>', 'comma-separated organisations the user works for, with this role (needed when there are several)', list, [])
    .action(async (email: string, o: { role: string; org: string[] }) => {
      const { runUserAdd } = await import('./commands/user.ts');
      code = await runUserAdd(loadConfig(process.env), email, o.role, o.org);
    });
  user
    .command('list')
    .description('list users, roles and organisations')
    .action(async () => {
      const { runUserList } = await import('./commands/user.ts');
      code = await runUserList(loadConfig(process.env));
    });

  const org = program.command('org').description('organisations (municipalities, NGOs) that own pilots; their staff see only those');
  org
    .command('add')
    .description('add an organisation')
    .argument('<id>')
    .requiredOption('--name <name>', 'its name, e.g. "Gemeente Utrecht"')
    .action(async (id: string, o: { name: string }) => {
      const { runOrgAdd } = await import('./commands/org.ts');
      code = await runOrgAdd(loadConfig(process.env), id, o.name);
    });
  org
    .command('list')
    .description('list organisations')
    .action(async () => {
      const { runOrgList } = await import('./commands/org.ts');
      code = await runOrgList(loadConfig(process.env));
    });
  org
    .command('pilot')
    .description('move a pilot to an organisation')
    .argument('<org>')
    .argument('<pilot>')
    .action(async (id: string, pilot: string) => {
      const { runOrgPilot } = await import('./commands/org.ts');
      code = await runOrgPilot(loadConfig(process.env), id, pilot);
    });

  const token = program.command('token').description('bearer tokens of the read API (/api/v1), one pilot each');
  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--pilot <code>', 'the pilot the token may read')
    .option('--label <text>', 'what the token is for', '')
    .action(async (o: { pilot: string; label: string }) => {
      const { runTokenCreate } = await import('./commands/token.ts');
      code = await runTokenCreate(loadConfig(process.env), o.pilot, o.label);
    });
  token
    .command('revoke')
    .description('revoke a token by its id')
    .argument('<id>')
    .action(async (id: string) => {
      const { runTokenRevoke } = await import('./commands/token.ts');
      code = await runTokenRevoke(loadConfig(process.env), id);
    });
  token
    .command('list')
    .description('list tokens (ids, pilots, live or revoked)')
    .action(async () => {
      const { runTokenList } = await import('./commands/token.ts');
      code = await runTokenList(loadConfig(process.env));
    });

  program
    .command('export')
    .description('export a pilot: answers (csv or jsonl), codebook.csv, wide.csv + wide.sps (SPSS) and datapackage.json')
    .argument('<pilot>')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--out <dir>', 'folder to write into (default ./export-<pilot>)')
    .option('--language <lng>', "language of the labels in wide.sps and datapackage.json (default: the survey's default language)")
    .action(async (pilot: string, o: { format: string; out?: string; language?: string }) => {
      const { runExport } = await import('./commands/export.ts');
      code = await runExport(loadConfig(process.env), pilot, o.format, o.out, o.language);
    });

  const check = program.command('check').description('project checks run before the tests');
  check
    .command('architecture')
    .description('imports point inward; no import cycles')
    .action(async () => {
      const { runArchitectureCheck } = await import('./checks/architecture.ts');
      code = runArchitectureCheck(process.cwd());
    });
  check
    .command('locales')
    .description('every locale has every key (plural-aware) of English')
    .action(async () => {
      const { runLocaleCheck } = await import('./checks/locales.ts');
      code = runLocaleCheck(loadConfig(process.env).localesDir);
    });

  program
    .command('bench')
    .description('measure engine and store throughput; prints a table and JSON')
    .action(async () => {
      const { runBench } = await import('./bench/bench.ts');
      code = await runBench();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (KNOWN.some((k) => e instanceof k)) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`stemmen: unexpected error: ${(e as Error).message}\n`);
    if (process.env.DEBUG === '1') process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write('This is a bug; run again with DEBUG=1 for details and report it.\n');
    return 2;
  }
  return code;
}
