import { createServer } from 'node:net';

/** Listens on 127.0.0.1:`port` (0 = any) and closes again; resolves the port, rejects if taken. */
const claim = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const a = s.address();
      const got = typeof a === 'object' && a ? a.port : port;
      s.close(() => resolve(got));
    });
  });

export const isPortFree = (port: number) => claim(port).then(() => true, () => false);

/** A loopback port that was free a moment ago. */
export const freePort = () => claim(0);
