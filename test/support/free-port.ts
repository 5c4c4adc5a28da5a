import { createServer, type AddressInfo } from 'node:net';

/** A free loopback TCP port (for tests and benches): the OS picks one, which is released before it is returned. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
