/**
 * The blind-spot workshop's colours (seed 000): how much a team KNOWS of newcomers'
 * experience on an indicator — red little or nothing, orange something, green a lot — and the
 * rule that combines several members' colours into the team's.
 * @module
 */

export const KNOWLEDGE_COLOURS = ['red', 'orange', 'green'] as const;
export type KnowledgeColour = (typeof KNOWLEDGE_COLOURS)[number];
export type KnowledgeSpread = Record<KnowledgeColour, number>;

/**
 * The team's colour: the colour most members gave; a tie goes to the more cautious colour
 * (red before orange before green), because the workshop looks for blind spots and one
 * colleague who knows little is reason enough to look closer. Null when nobody coloured it.
 */
export function combineKnowledge(colours: readonly KnowledgeColour[]): { colour: KnowledgeColour | null; spread: KnowledgeSpread } {
  const spread: KnowledgeSpread = { red: 0, orange: 0, green: 0 };
  for (const c of colours) spread[c] += 1;
  let colour: KnowledgeColour | null = null;
  // KNOWLEDGE_COLOURS is ordered most cautious first, so a later colour wins only with strictly more votes.
  for (const c of KNOWLEDGE_COLOURS) if (spread[c] > 0 && (colour === null || spread[c] > spread[colour])) colour = c;
  return { colour, spread };
}

/** The colours the workshop turns into a survey or an expertpool: what the team knows little of. */
export const isBlindSpot = (c: KnowledgeColour | null): boolean => c === 'red' || c === 'orange';
