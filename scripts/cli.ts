/**
 * The `stemmen` command line. One error boundary: known errors print their message (which
 * names the file, place and fix) and exit 1; nothing prints a stack trace unless DEBUG=1.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../bot/config.ts';
import { LocaleFileError } from '../bot/i18n.ts';
import { SurveyFileError } from '../bot/surveys.ts';
import { MigrationError } from '../bot/app.ts';
import { RedisUnavailableError } from '../workers/redis.ts';
import { UserInputError } from '../bot/dashboard/auth.ts';

const KNOWN = [ConfigError, SurveyFileError, LocaleFileError, MigrationError, RedisUnavailableError, UserInputError];

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('stemmen')
    .description('Chat surveys on the 14 Indicators of Integration, in the respondent\'s own language.')
    .exitOverride()
    .showHelpAfterError();

  program.command('start').description('run the bot: migrations, try-it web chat, channels').action(async () => {
    const { runStart } = await import('./commands/start.ts');
    code = await runStart(loadConfig(process.env));
  });

  program.command('worker').description('run only the media workers (scale out: more machines sharing Redis and the database)').action(async () => {
    const { runWorker } = await import('./commands/worker.ts');
    code = await runWorker(loadConfig(process.env));
  });

  program.command('migrate').description('bring the database up to date and report each migration').action(async () => {
    const { runMigrate } = await import('./commands/migrate.ts');
    code = await runMigrate(loadConfig(process.env));
  });

  const survey = program.command('survey').description('work with survey files');
  survey
    .command('validate')
    .description('check survey files; every problem is reported as file:line:column path: message')
    .argument('<files...>')
    .option('--max-minutes <n>', 'warn when a survey is estimated to take longer', '10')
    .action(async (files: string[], o: { maxMinutes: string }) => {
      const { runValidate } = await import('./commands/survey.ts');
      code = runValidate(loadConfig(process.env), files, Number(o.maxMinutes));
    });
  survey
    .command('preview')
    .description('print a survey as a respondent would see it')
    .argument('<file>')
    .option('--lang <code>', 'language to preview in')
    .action(async (file: string, o: { lang?: string }) => {
      const { runPreview } = await import('./commands/survey.ts');
      code = runPreview(loadConfig(process.env), file, o.lang);
    });

  const user = program.command('user').description('dashboard accounts');
  user
    .command('add')
    .description('add a user, or set a new role and password (password from STEMMEN_PASSWORD or asked)')
    .argument('<email>')
    .requiredOption('--role <role>', 'admin, researcher or coordinator')
    .action(async (email: string, o: { role: string }) => {
      const { runUserAdd } = await import('./commands/user.ts');
      code = await runUserAdd(loadConfig(process.env), email, o.role);
    });
  user.command('list').description('list users and roles').action(async () => {
    const { runUserList } = await import('./commands/user.ts');
    code = await runUserList(loadConfig(process.env));
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
  token.command('revoke').description('revoke a token by its id').argument('<id>').action(async (id: string) => {
    const { runTokenRevoke } = await import('./commands/token.ts');
    code = await runTokenRevoke(loadConfig(process.env), id);
  });
  token.command('list').description('list tokens (ids, pilots, live or revoked)').action(async () => {
    const { runTokenList } = await import('./commands/token.ts');
    code = await runTokenList(loadConfig(process.env));
  });

  program
    .command('export')
    .description('export a pilot: answers (csv or jsonl), codebook.csv and datapackage.json')
    .argument('<pilot>')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--out <dir>', 'folder to write into (default ./export-<pilot>)')
    .action(async (pilot: string, o: { format: string; out?: string }) => {
      const { runExport } = await import('./commands/export.ts');
      code = await runExport(loadConfig(process.env), pilot, o.format, o.out);
    });

  const check = program.command('check').description('project checks run before the tests');
  check.command('architecture').description('imports point inward; no import cycles').action(async () => {
    const { runArchitectureCheck } = await import('./checks/architecture.ts');
    code = runArchitectureCheck(process.cwd());
  });
  check.command('locales').description('every locale has every key (plural-aware) of English').action(async () => {
    const { runLocaleCheck } = await import('./checks/locales.ts');
    code = runLocaleCheck(loadConfig(process.env).localesDir);
  });

  program.command('bench').description('measure engine and store throughput; prints a table and JSON').action(async () => {
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
