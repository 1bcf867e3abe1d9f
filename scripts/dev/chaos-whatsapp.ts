/**
 * The chaos run's WhatsApp respondents: people typing their answers on {@link FakeWhatsApp}
 * while the bot is killed and WhatsApp drops the connection. What they send while no bot is
 * connected waits at the fake and reaches the bot on reconnect as an `append` upsert.
 * @module
 */
import type { FakeWhatsApp } from './fake-whatsapp.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WhatsAppCrowd {
  /** Answers sent that have not had their reply (the next question) yet. */
  private pending = 0;
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  constructor(
    private readonly fake: FakeWhatsApp,
    private readonly o: {
      questions: number;
      isText: (i: number) => boolean;
      random: () => number;
      /** Records an answer given: `wa:<jid>:q<i>` → value. */
      given: Map<string, number | string>;
      fail: (why: string) => Error;
    },
  ) {}

  /** A person from `jid` takes part and answers every question. */
  async respondent(jid: string): Promise<void> {
    await this.say(jid, 'hi', /Take part/);
    await this.say(jid, '1', /Question 1:/); // "1. Yes, I take part"
    for (let i = 1; i <= this.o.questions; i++) {
      await sleep(20 + this.o.random() * 150); // a person reads and types
      const value = this.o.isText(i) ? `it is fine, story ${i}` : Math.floor(this.o.random() * 11);
      this.o.given.set(`wa:${jid}:q${i}`, value);
      await this.say(jid, String(value), i < this.o.questions ? new RegExp(`Question ${i + 1}:`) : /Done\./);
    }
  }

  /**
   * Holds new answers and waits until each one sent has had its reply, so a kill of the bot
   * now lands between messages, not inside one: Baileys acks a message as soon as it is
   * emitted, before the answer is committed, so a kill inside that window would lose it on
   * real WhatsApp too (a limit of Baileys, not what this run measures). Then `resume()`.
   */
  async quiesce(): Promise<void> {
    this.gate = new Promise<void>((r) => {
      this.release = r;
    });
    while (this.pending > 0) await sleep(10);
  }

  /** Lets the held answers go: sent while the bot is down, they wait at the fake. */
  resume(): void {
    this.release();
  }

  private async say(jid: string, text: string, reply: RegExp): Promise<void> {
    await this.gate;
    this.pending++;
    this.fake.send(jid, text);
    const deadline = Date.now() + 120_000;
    while (!this.fake.sentTo(jid).some((m) => reply.test(m.text))) {
      if (Date.now() > deadline) throw this.o.fail(`whatsapp ${jid} never got ${reply}`);
      await sleep(20);
    }
    this.pending--;
  }
}
