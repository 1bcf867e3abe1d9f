import { readFileSync, readdirSync } from 'node:fs';
import { loadSurvey, formatIssue } from './surveys/spec/load.ts';
const dir = 'tests/fixtures/surveys/broken';
for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
  const file = `${dir}/${f}`;
  const r = loadSurvey(readFileSync(file, 'utf8'), file, { hasText: (l, _n, k) => !(l === 'nl' && k === 'q.work_fair.max'), fileExists: (p) => p.startsWith('media/prompts/en/') || p.startsWith('prompts/en/') });
  console.log(r.ok ? `OK?? ${file}` : r.issues.map(formatIssue).join('\n'));
}
