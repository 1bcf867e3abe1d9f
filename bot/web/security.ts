/**
 * Security headers (@fastify/helmet) and the Content-Security-Policy of every page: scripts
 * and styles only from this origin or, for the few inline blocks (the dashboard's stylesheet,
 * the try-it page's script and style), by their SHA-256 — constant texts, so a hash needs no
 * per-request nonce and no inline style attribute or injected script can run. Bull Board gets
 * a policy of its own (its UI brings inline styles), still without inline scripts.
 * @module
 */
import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export type CspDirectives = Record<string, string[]>;

export const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The hashes of every inline `<script>` (not JSON data) and `<style>` block of a constant page. */
export function inlineHashes(page: string): { scripts: string[]; styles: string[] } {
  const scripts = [...page.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => cspHash(m[1]!));
  const styles = [...page.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => cspHash(m[1]!));
  return { scripts, styles };
}

/** No upgrade-insecure-requests: on plain http://localhost it would send the login form to https. */
function directives(scripts: readonly string[], styles: readonly string[]): CspDirectives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...scripts],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...styles],
    'img-src': ["'self'", 'data:'],
    'media-src': ["'self'"],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Bull Board's UI: its own scripts only; inline styles (its loading screen, React style props). */
export const QUEUE_BOARD_CSP: CspDirectives = { ...directives([], []), 'style-src': ["'self'", "'unsafe-inline'"] };

/** Route config that gives a route `directives` instead of the app-wide policy. */
export function routeCsp(d: CspDirectives) {
  return { helmet: { contentSecurityPolicy: { useDefaults: false, directives: d } } };
}

export interface InlineSources {
  scripts: readonly string[];
  styles: readonly string[];
}

export async function installSecurityHeaders(server: FastifyInstance, inline: InlineSources): Promise<void> {
  await server.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: directives(inline.scripts, inline.styles) },
    // Sent only over HTTPS by browsers' rules; harmless on http://localhost.
    strictTransportSecurity: { maxAge: 180 * 86400, includeSubDomains: false },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
}
