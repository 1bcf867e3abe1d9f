import { readFileSync } from 'node:fs';
import { loadSurvey, formatIssue } from './surveys/spec/load.ts';
const base = 'specVersion: 2\nid: x\nversion: 1\nlanguages: [en]\ndefaultLanguage: en\nconsent: { version: 1 }\nquestions:\n';
const cases = [
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, audio: { EN_x: a.ogg } }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, when: b }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, when: { question: b, lt: "3" } }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, when: { question: b } }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, traffic: { red: [[1]] } }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, traffic: sometimes }',
  '  - { id: a, type: single, indicator: work, outcome: enough_income, choices: [x, { id: y, txt: z }, 3] }',
  '  - { id: a, type: media, indicator: work, outcome: enough_income, accept: [voise] }',
  '  - { id: Work-Fair, type: scale, indicator: work, outcome: enough_income }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, followUp: { id: b, type: text } }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income, min: 0, max: 30 }',
  '  - { id: a, type: scale, indicator: work, outcome: enough_income }\n  - { id: b, type: text, indicator: work, outcome: enough_income, when: { question: a, equals: "x" } }\n  - { id: c, type: text, indicator: work, outcome: enough_income, when: { question: c, answered: true } }',
  '  - id: a\n    type: scale\n    indicator:\n    outcome: enough_income',
  '  - &q { id: a, type: scale, indicator: work, outcome: enough_income }\n  - *q',
  '  - 3',
  '  - null',
];
for (const c of cases) { const r = loadSurvey(base + c, 'x.yaml', {}); console.log('---\n' + c + '\n' + (r.ok ? 'OK ' + r.warnings.map(formatIssue).join('\n') : r.issues.map(formatIssue).join('\n'))); }
// fuzz
const pilot = readFileSync('surveys/definitions/default-pilot.yaml', 'utf8');
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
let internal = 0, n = 0;
for (let i = 0; i < 3000; i++) {
  let t = pilot;
  for (let k = 0; k < 3; k++) { const p = Math.floor(rnd() * t.length); const op = rnd(); t = op < 0.4 ? t.slice(0, p) + t.slice(p + 1 + Math.floor(rnd() * 20)) : op < 0.7 ? t.slice(0, p) + ' :-[]{}\n"x1'[Math.floor(rnd() * 12)] + t.slice(p) : t.slice(0, p) + t.slice(p, p + 30).split('').reverse().join('') + t.slice(p + 30); }
  const r = loadSurvey(t, 'f.yaml', { hasText: () => rnd() > 0.001, fileExists: () => true });
  n++;
  if (!r.ok && r.issues.some((x) => x.message.includes('internal error'))) { internal++; if (internal < 4) console.log('INTERNAL', r.issues.map(formatIssue)); }
}
console.log('fuzz', n, 'internal', internal);
