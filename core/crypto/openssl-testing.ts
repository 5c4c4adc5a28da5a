import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Test helpers: run the openssl CLI (OpenSSL 3.0 here) as an independent implementation to check interop against.

/** Runs `openssl …args`, returning stdout; throws (with stderr) on a non-zero exit. */
export function openssl(args: string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
}

/** Runs openssl and reports only whether it exited 0 (for verifications expected to fail). */
export function opensslSucceeds(args: string[]): boolean {
  try {
    openssl(args);
    return true;
  } catch {
    return false;
  }
}

/** A scratch directory with a `file(name, content)` writer; call `remove()` when done (t.teardown). */
export function scratchDir(): { dir: string; file(name: string, content: string | Uint8Array): string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-crypto-'));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
