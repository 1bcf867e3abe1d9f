/**
 * Playback of a voice note, video or picture for staff who may read quotes (not viewers), in their organisations' pilots: the stored original, read
 * from MEDIA_DIR by the path the pipeline recorded, never by anything in the URL. Every
 * playback is written to the audit log. A recording is played only when its indicator was answered
 * by at least MAP_MIN_RESPONDENTS people, like the drill-down that lists it (no quote from a small group).
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Followup } from '../../../../storage/followup.ts';
import { Reports } from '../../../../storage/reports.ts';
import { largeEnough } from '../../../../surveys/aggregate.ts';
import { MediaFiles } from '../../../../workers/media/files.ts';
import { QUOTE_ROLES } from '../../access.ts';
import { pageContext, pilotRoleOr404, sendError, type DashboardDeps } from '../context.ts';

const CONTENT_TYPE: Record<string, string> = {
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

export function registerMedia(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);
  const followup = new Followup(deps.db);
  const files = new MediaFiles(deps.mediaDir);
  server.get<{ Params: { id: string } }>('/answers/:id/media', { config: { roles: QUOTE_ROLES } }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const media = await reports.mediaFile(req.params.id);
    const path = media && files.absolute(media.file);
    const size = path && (await stat(path).catch(() => null))?.size;
    if (!media || !path || size === undefined || size === null) return sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    if (!(await pilotRoleOr404(deps, media.pilot, reply, ctx))) return reply;
    // Ids outlive the page that showed them: check the group again (a recording outside any indicator counts as one person).
    const group = media.indicator === null ? 1 : (await reports.respondentsOfIndicator(media.pilot, media.indicator)).total;
    if (!largeEnough(group, deps.rule)) return sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    await followup.audit({
      id: deps.newId(),
      at: deps.now().toISOString(),
      actor: ctx.user!.id,
      action: 'media.play',
      caseId: null,
      detail: { answer: req.params.id, pilot: media.pilot },
    });
    return reply
      .type(CONTENT_TYPE[media.type ?? ''] ?? 'application/octet-stream')
      .header('content-length', size)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(path));
  });
}
