/**
 * XLSForm `relevant` and `constraint` expressions (the common subset) → spec conditions.
 *
 * Supported: `${q}` references (and `.` for the current answer in constraints), string and
 * number literals (also negative: `. >= -5`), `= != < <= > >=`, `and` / `or` / `not(…)`,
 * parentheses, `selected(${q}, 'x')` and, in a select_multiple's own constraint,
 * `count-selected(.) <= 3` (its selection bounds). Anything else (arithmetic including `div`
 * and `mod`, other functions) is *unsupported*, which the importer lists; text that is not an
 * expression at all is a *syntax* error.
 * @module
 */
import type { Condition } from '../spec/schema.ts';

export type ExprResult = { ok: true; condition: Condition } | { ok: false; kind: 'syntax' | 'unsupported'; message: string };

/** Maps an XLSForm name to a question id; a string result is the reason it cannot be used. */
export type Resolve = (name: string) => { id: string } | { unsupported: string } | { error: string };

/** The id used for `.` (the question's own answer) in constraints. */
export const SELF = '.';
/** The id used for `count-selected(.)`, the number of choices ticked, in constraints. */
export const SELF_COUNT = 'count-selected(.)';

type Tok =
  | { t: 'ref'; name: string; at: number }
  | { t: 'self'; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'op'; v: '=' | '!=' | '<' | '<=' | '>' | '>='; at: number }
  | { t: 'word'; v: string; at: number }
  | { t: '(' | ')' | ','; at: number }
  | { t: 'arith'; v: string; at: number };

class Fail extends Error {
  constructor(
    readonly kind: 'syntax' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const at = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '$') {
      const m = /^\$\{([^}\s]+)\}/.exec(src.slice(i));
      if (!m) throw new Fail('syntax', `at character ${at}: "$" must start a reference such as \${age}`);
      out.push({ t: 'ref', name: m[1]!, at });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new Fail('syntax', `at character ${at}: the text starting here has no closing ${c}`);
      out.push({ t: 'str', v: src.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    // A minus right before a number is its sign unless it follows a value (then it subtracts).
    const prev = out[out.length - 1];
    const signed = !prev || !['ref', 'self', 'str', 'num', ')'].includes(prev.t);
    const num = (signed ? /^-?\d+(\.\d+)?/ : /^\d+(\.\d+)?/).exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0]), at });
      i += num[0].length;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[1] as '=', at });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, at });
      i++;
      continue;
    }
    if (c === '+' || c === '*' || c === '-' || c === '|') {
      out.push({ t: 'arith', v: c, at });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][\w:-]*/.exec(src.slice(i));
    if (word) {
      out.push({ t: 'word', v: word[0], at });
      i += word[0].length;
      continue;
    }
    if (c === '.' && !/^\.\./.test(src.slice(i))) {
      out.push({ t: 'self', at });
      i++;
      continue;
    }
    throw new Fail('syntax', `at character ${at}: unexpected "${c}"`);
  }
  return out;
}

type Leaf = Extract<Condition, { question: string }>;
type Operand = { kind: 'q'; id: string } | { kind: 'count'; id: string } | { kind: 'lit'; v: string | number };

const ARITHMETIC = 'arithmetic (+ - * div mod) is not supported';

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly resolve: Resolve,
    private readonly allowSelf: boolean,
  ) {}

  parse(): Condition {
    if (this.toks.length === 0) throw new Fail('syntax', 'the expression is empty');
    const c = this.or();
    const rest = this.toks[this.i];
    if (rest) throw new Fail('syntax', `at character ${rest.at}: unexpected ${describe(rest)} after a complete expression (missing "and"/"or"?)`);
    return c;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v === v;
  }
  private expect(kind: '(' | ')' | ','): void {
    const t = this.peek();
    if (t?.t !== kind) throw new Fail('syntax', t ? `at character ${t.at}: expected "${kind}" but found ${describe(t)}` : `expected "${kind}" at the end`);
    this.i++;
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.isWord('or')) {
      this.i++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { any: parts };
  }
  private and(): Condition {
    const parts = [this.unary()];
    while (this.isWord('and')) {
      this.i++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : { all: parts };
  }
  private unary(): Condition {
    const t = this.peek();
    if (!t) throw new Fail('syntax', 'the expression ends too early');
    if (t.t === 'word' && t.v === 'not') {
      this.i++;
      this.expect('(');
      const c = this.or();
      this.expect(')');
      return { not: c };
    }
    if (t.t === '(') {
      this.i++;
      const c = this.or();
      this.expect(')');
      return c;
    }
    if (t.t === 'word' && t.v === 'selected') return this.selected();
    if (t.t === 'word' && t.v === 'count-selected') return this.comparison();
    if (t.t === 'word') {
      const next = this.toks[this.i + 1];
      if (next?.t === '(') throw new Fail('unsupported', `the function ${t.v}() is not supported (only selected() is)`);
      throw new Fail('syntax', `at character ${t.at}: unexpected word "${t.v}" (references are written \${name}, texts in quotes)`);
    }
    return this.comparison();
  }
  private selected(): Condition {
    this.i++;
    this.expect('(');
    const ref = this.operand();
    this.expect(',');
    const v = this.operand();
    this.expect(')');
    if (ref.kind !== 'q' || v.kind !== 'lit') throw new Fail('unsupported', "selected() needs a reference and a choice name, as in selected(${q}, 'x')");
    return { question: ref.id, includes: String(v.v) };
  }
  private operand(): Operand {
    const t = this.peek();
    if (!t) throw new Fail('syntax', 'the expression ends too early');
    this.i++;
    if (t.t === 'word' && t.v === 'count-selected') {
      this.expect('(');
      const of = this.operand();
      this.expect(')');
      if (of.kind !== 'q') throw new Fail('syntax', `at character ${t.at}: count-selected() needs a reference, as in count-selected(.)`);
      return { kind: 'count', id: of.id };
    }
    if (t.t === 'ref') {
      const r = this.resolve(t.name);
      if ('error' in r) throw new Fail('syntax', r.error);
      if ('unsupported' in r) throw new Fail('unsupported', r.unsupported);
      return { kind: 'q', id: r.id };
    }
    if (t.t === 'self') {
      if (!this.allowSelf) throw new Fail('unsupported', '"." (the current answer) only has a meaning in constraints');
      return { kind: 'q', id: SELF };
    }
    if (t.t === 'str' || t.t === 'num') return { kind: 'lit', v: t.v };
    if (t.t === 'word' && t.v === 'today') throw new Fail('unsupported', 'today() is not supported');
    throw new Fail('syntax', `at character ${t.at}: expected a reference, a number or a quoted text but found ${describe(t)}`);
  }
  /** True when the next token does arithmetic: + - * | or the words div and mod. */
  private arithmeticNext(): boolean {
    const t = this.peek();
    return t?.t === 'arith' || (t?.t === 'word' && (t.v === 'div' || t.v === 'mod'));
  }
  private comparison(): Condition {
    let left = this.operand();
    const opTok = this.peek();
    if (this.arithmeticNext()) throw new Fail('unsupported', ARITHMETIC);
    if (opTok?.t !== 'op')
      throw new Fail(
        'syntax',
        opTok
          ? `at character ${opTok.at}: expected a comparison (= != < <= > >=) but found ${describe(opTok)}`
          : 'a comparison (= != < <= > >=) is missing at the end',
      );
    this.i++;
    let right = this.operand();
    if (this.arithmeticNext()) throw new Fail('unsupported', ARITHMETIC);
    let op = opTok.v;
    if (left.kind === 'lit' && right.kind !== 'lit') {
      [left, right] = [right, left];
      op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op as '<'] ?? op;
    }
    if (left.kind === 'count') {
      if (left.id !== SELF)
        throw new Fail('unsupported', "count-selected() of another question (only a select_multiple's own, count-selected(.), is imported)");
      if (right.kind !== 'lit' || typeof right.v !== 'number') throw new Fail('unsupported', 'count-selected(.) compared with anything but a number');
      return leaf(SELF_COUNT, op, right.v);
    }
    if (left.kind !== 'q' || right.kind !== 'lit') throw new Fail('unsupported', 'only comparisons of one answer with a fixed value are supported');
    return leaf(left.id, op, right.v);
  }
}

function leaf(question: string, op: string, v: string | number): Leaf {
  if (v === '') {
    if (op === '=') return { question, answered: false };
    if (op === '!=') return { question, answered: true };
    throw new Fail('unsupported', `"${op} ''" compares with an empty text`);
  }
  const n = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
  switch (op) {
    case '=':
      return { question, equals: v };
    case '!=':
      return { question, notEquals: v };
    default: {
      if (n === null) throw new Fail('unsupported', `"${op}" with the text '${v}' (only numbers can be compared that way)`);
      const key = ({ '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const)[op as '<'];
      return { question, [key]: n };
    }
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case 'ref':
      return `\${${t.name}}`;
    case 'self':
      return '"."';
    case 'str':
      return `'${t.v}'`;
    case 'num':
      return String(t.v);
    case 'op':
    case 'word':
    case 'arith':
      return `"${t.v}"`;
    default:
      return `"${t.t}"`;
  }
}

/** Parses an XLSForm expression; `allowSelf` for constraints, where `.` is the answer itself. */
export function parseExpression(src: string, resolve: Resolve, allowSelf = false): ExprResult {
  try {
    return { ok: true, condition: new Parser(tokenize(src), resolve, allowSelf).parse() };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, kind: e.kind, message: e.message };
    throw e;
  }
}
