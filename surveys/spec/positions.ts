/**
 * Where in the YAML source a spec path points: 1-based line and column.
 *
 * Paths come from the migrated object (zod and the semantic checks work on that), so a path
 * may name something the file spells differently — a v1 `followUp:` is `followUps[0]` after
 * migration. Lookup follows the file's own shape where it can, and otherwise stops at the
 * nearest node that does exist (for a missing key: the mapping that should hold it).
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export type SpecPath = ReadonlyArray<string | number>;

/** `questions[3].followUps[0].when.question` */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export interface Position {
  line: number;
  column: number;
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function pairOf(map: unknown, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => {
    const k = isScalar(p.key) ? p.key.value : p.key;
    return String(k) === String(key);
  });
}

interface Found {
  /** The deepest node reached. */
  node: Node | null;
  /** True when the whole path was found. */
  exact: boolean;
  /** The pair holding the last segment when it was a mapping key. */
  pair: Pair | undefined;
}

function find(doc: Document, path: SpecPath): Found {
  let node = deref(doc, doc.contents) as Node | null;
  let pair: Pair | undefined;
  for (let i = 0; i < path.length; i += 1) {
    const seg = path[i]!;
    let next: unknown;
    pair = undefined;
    if (isMap(node)) {
      pair = pairOf(node, seg);
      if (!pair && seg === 'followUps') {
        // A v1 file: `followUp: {…}` (one question) or `followUp: [...]`.
        const old = pairOf(node, 'followUp');
        const v = deref(doc, old?.value);
        if (old && isMap(v) && path[i + 1] === 0) {
          node = v;
          i += 1;
          continue;
        }
        pair = old;
      }
      next = pair?.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    next = deref(doc, next);
    if (next === undefined || next === null || typeof next !== 'object') {
      // `key:` with nothing after it: point at the key.
      if (pair && i === path.length - 1 && isScalar(pair.key)) return { node: pair.key, exact: true, pair };
      return { node, exact: false, pair: undefined };
    }
    node = next as Node;
  }
  return { node, exact: true, pair };
}

/**
 * The position of the node at `path`; with `key`, of the mapping key naming it (used for
 * unknown keys, whose value is beside the point). Falls back to the nearest existing
 * ancestor, and to 1:1 for an empty document.
 */
export function positionOf(doc: Document, lc: LineCounter, path: SpecPath, key = false): Position {
  const found = find(doc, path);
  let offset: number | undefined;
  if (found.exact && key && found.pair && isScalar(found.pair.key)) offset = found.pair.key.range?.[0];
  offset ??= found.node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}

/** The position of a source offset. */
export function positionAt(lc: LineCounter, offset: number): Position {
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}
