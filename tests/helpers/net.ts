import { createServer } from 'node:net';

/** A TCP port nothing listens on right now (for a Redis or server the test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
