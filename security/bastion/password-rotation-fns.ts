import { randomBytes } from '../../core/crypto';

/** The change script per OS type; the password is fed on stdin, never on the command line. */
export type RotationScript = { runnable: boolean; command: string; stdin: (username: string, password: string) => string; text: string };

const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGIT = '23456789';
const SYMBOL = '#%+-=@^_';

/** A random password meeting the 等保 complexity rule (four classes), `length` characters, no shell-special characters. */
export function generatePassword(length = 20): string {
  const all = LOWER + UPPER + DIGIT + SYMBOL;
  const bytes = randomBytes(length * 2);
  const pick = (set: string, i: number) => set[bytes[i]! % set.length]!;
  const chars = [pick(LOWER, 0), pick(UPPER, 1), pick(DIGIT, 2), pick(SYMBOL, 3)];
  for (let i = 4; i < length; i++) chars.push(pick(all, i));
  // Shuffle with the second half of the random bytes so the classes are not in fixed places.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes[length + i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** The script for an asset's OS type. `adminUser` not root: chpasswd through `sudo -n` (needs a sudoers entry). */
export function rotationScript(osType: string, adminUser: string): RotationScript {
  if (osType === 'windows') {
    const text = [
      '# yiyun password change (declared; run by WinRM/PowerShell remoting, which this deployment does not reach)',
      'param([string]$UserName)',
      '$pw = [Console]::In.ReadLine() | ConvertTo-SecureString -AsPlainText -Force',
      'Set-LocalUser -Name $UserName -Password $pw',
    ].join('\n');
    return { runnable: false, command: 'powershell -NoProfile -NonInteractive -Command -', stdin: (_u, p) => `${p}\n`, text };
  }
  if (osType === 'linux' || osType === 'unix') {
    const command = adminUser === 'root' ? 'chpasswd' : 'sudo -n chpasswd';
    return { runnable: true, command, stdin: (u, p) => `${u}:${p}\n`, text: `echo "<user>:<new password>" | ${command}` };
  }
  return { runnable: false, command: '', stdin: () => '', text: `# no password-change script for OS type ${osType}` };
}
