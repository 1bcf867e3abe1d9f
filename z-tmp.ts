import { readFileSync } from 'node:fs';
import { loadSurvey, formatIssue } from './surveys/spec/load.ts';
const en = JSON.parse(readFileSync('locales/en/survey-default-pilot.json', 'utf8'));
const hasText = (lng: string, _ns: string, key: string) => {
  if (lng !== 'en') return lng !== 'ar' || key !== 'q.work_fair.min';
  let cur: any = en; for (const p of key.split('.')) cur = cur?.[p]; return typeof cur === 'string';
};
const text = readFileSync('surveys/definitions/default-pilot.yaml', 'utf8');
const r = loadSurvey(text, 'p.yaml', { hasText, fileExists: () => true });
console.log(r.ok ? ['ok', r.estimatedMinutes, r.warnings.map(formatIssue)] : r.issues.map(formatIssue));
const r2 = loadSurvey(text, 'p.yaml', { hasText: (l) => l === 'en' });
console.log(r2.ok ? 'ok' : r2.issues.map(formatIssue).join('\n'));
for (const t of ['', 'a: [', 'specVersion: 3', '- 1', 'specVersion: 2\nid: X\nquestions: []\n', 'specVersion: "2"']) {
  const r3 = loadSurvey(t, 'x.yaml', {}); console.log(JSON.stringify(t), r3.ok ? 'ok' : r3.issues.map(formatIssue).join('\n'));
}
