import { afterEach, describe, expect, it } from 'vitest';
import { submitMedia, withdrawMedia, type MediaSubmission } from '../../workers/intake.ts';
import { Queues } from '../../workers/queues.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { redisDump } from '../helpers/privacy.ts';

let queues: Queues | undefined;
afterEach(async () => {
  if (!queues) return;
  await queues.close();
  await dropPrefix(queues.settings.prefix);
  queues = undefined;
});

const item = (id: string, revision: number, stage?: 'speech'): MediaSubmission => ({
  id,
  revision,
  channel: 'telegram',
  ref: { kind: 'voice', fileRef: `f-${id}`, uniqueId: `u-${id}` },
  ...(stage ? { stage } : {}),
});

describe("withdrawing an erased respondent's media jobs", () => {
  it('removes waiting jobs of every stage and revision, and only theirs', async () => {
    queues = new Queues({ url: REDIS_URL, prefix: uniquePrefix() });
    // No worker runs: the jobs stay waiting, as when the respondent deletes right after a voice note.
    await submitMedia(queues, [item('a-erased', 1), item('a-erased', 2), item('a-erased', 2, 'speech'), item('a-other', 1)]);
    expect(await queues.media.getWaitingCount()).toBe(3);
    expect(await queues.speech.getWaitingCount()).toBe(1);

    await withdrawMedia(queues, [item('a-erased', 2)]);
    const left = [...(await redisDump(queues.settings.prefix)).values()].join('\n');
    expect(left).not.toContain('a-erased');
    expect(left).toContain('a-other');
    expect(await queues.media.getWaitingCount()).toBe(1);
    expect(await queues.speech.getWaitingCount()).toBe(0);
  });
});
