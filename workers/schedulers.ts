/**
 * Planning a repeating job (a BullMQ job scheduler) when Redis may be coming back. A producer
 * connection keeps no offline queue (workers/redis.ts), so right after a Redis restart its
 * commands fail at once ("Stream isn't writeable") until ioredis has reconnected; a worker
 * process started then must wait a moment, not exit. Any other error is thrown at once.
 * @module
 */
import type { JobSchedulerTemplateOptions, Queue } from 'bullmq';

const RECONNECTING = /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/;

export async function upsertEvery(
  queue: Queue,
  id: string,
  everyMs: number,
  template: { name: string; data?: unknown; opts?: JobSchedulerTemplateOptions },
  waitMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await queue.upsertJobScheduler(id, { every: everyMs }, template);
      return;
    } catch (e) {
      if (!RECONNECTING.test((e as Error).message) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
