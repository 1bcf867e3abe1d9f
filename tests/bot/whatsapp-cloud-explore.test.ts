import { it } from 'vitest';
import { CloudRespondent, optionsOf, startCloudApp, textOf } from '../helpers/whatsapp-cloud.ts';
it('explore', async () => {
  const { app, fake } = await startCloudApp();
  const r = new CloudRespondent(app, fake, '31687654321');
  let out = await r.say('hallo');
  for (let i = 0; i < 6; i++) {
    for (const m of out) console.log(m.type, JSON.stringify(textOf(m)).slice(0, 100), JSON.stringify(optionsOf(m)));
    const last = out.at(-1)!;
    const o = optionsOf(last);
    out = o.kind === 'none' ? await r.say('2019') : await r.tap(last, o.ids[0]!);
  }
  await app.dispose(); await fake.stop();
}, 60000);
