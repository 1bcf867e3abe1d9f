/**
 * The error base every layer builds on: a `layer` saying where it failed and a `code`
 * saying what failed, so a boundary can decide (retry, park, exit) without parsing
 * messages — like grammY's GrammyError / HttpError / BotError.
 *
 * Invalid answers are not errors (they are issues, as data); these are for infrastructure
 * failures and bugs.
 * @module
 */

/** Where a failure happened. */
export type ErrorLayer = 'channel' | 'store' | 'engine' | 'media';

/** Anything that says where and what failed; classes that must extend another base (BullMQ's) implement it. */
export interface LayeredError {
  readonly layer: ErrorLayer;
  readonly code: string;
}

export abstract class StemmenError<C extends string = string> extends Error implements LayeredError {
  abstract readonly layer: ErrorLayer;
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for any error carrying a layer and a code (a StemmenError or one implementing LayeredError). */
export function isLayered(e: unknown): e is Error & LayeredError {
  return e instanceof Error && typeof (e as Partial<LayeredError>).layer === 'string' && typeof (e as Partial<LayeredError>).code === 'string';
}

export type EngineErrorCode = 'invariant' | 'unknown_survey';

/** A bug in the engine or a survey it was given: the same input fails the same way again. */
export class EngineError extends StemmenError<EngineErrorCode> {
  override name = 'EngineError';
  readonly layer = 'engine' as const;
}
