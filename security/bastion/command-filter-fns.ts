/**
 * Command filtering for the bastion: the typed line is normalised the way a POSIX shell would read it before the
 * rules see it, so quoting tricks (`cu""rl`, `c\url`, `$'\x63url'`, `$(echo curl)`, `a=cu; ${a}rl`) and wrappers
 * (`sudo`, `env`, `bash -c '…'`, `eval`) do not hide the command a rule names. Pure functions only.
 */

export type CommandAction = 'allow' | 'deny' | 'approve';
export type CommandRule = { id: string; name: string; pattern: string; action: CommandAction; priority: number };
export type CommandVerdict = 'allowed' | 'denied' | 'approval_required';
export type CommandDecision = { verdict: CommandVerdict; rule: CommandRule | null; candidates: string[] };

const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'nice', 'builtin', 'busybox', 'doas', 'stdbuf', 'timeout', 'xargs', 'strace', 'chroot', 'su']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox sh']);
const MAX_DEPTH = 6;

type Ctx = { vars: Map<string, string>; out: string[]; depth: number };

/** Finds the index of the `)` closing a `$(` that starts at `i` (pointing after `$(`), respecting quotes. */
function matchParen(s: string, i: number): number {
  let depth = 1;
  let q: '"' | "'" | null = null;
  for (let j = i; j < s.length; j++) {
    const c = s[j]!;
    if (q) {
      if (c === '\\' && q === '"') j++;
      else if (c === q) q = null;
      continue;
    }
    if (c === '\\') j++;
    else if (c === '"' || c === "'") q = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return s.length;
}

function decodeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
  });
}

/** What a command substitution prints when that is knowable without running anything (echo/printf of literals). */
function staticOutput(inner: string, ctx: Ctx): string | null {
  const cmds = splitCommands(inner, { vars: ctx.vars, out: [], depth: ctx.depth + 1 });
  if (cmds.length !== 1) return null;
  const w = cmds[0]!;
  if (w[0] === 'echo') return w.slice(1).filter((x) => !/^-[neE]+$/.test(x)).join(' ');
  if (w[0] === 'printf' && w.length >= 2) return w.slice(1).join('').replace(/%s/g, '').replace(/\\n/g, '\n');
  return null;
}

/** Splits a line into simple commands (arrays of words), quotes removed and known expansions applied. */
function splitCommands(line: string, ctx: Ctx): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCmd = () => {
    endWord();
    // Assignments take effect for the commands after this one (`a=cu; ${a}rl`).
    for (const w of words) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w);
      if (!m) break;
      ctx.vars.set(m[1]!, m[2]!);
    }
    if (words.length) cmds.push(words);
    words = [];
  };
  const substitute = (inner: string) => {
    if (ctx.depth < MAX_DEPTH) for (const c of normaliseAll(inner, { ...ctx, depth: ctx.depth + 1 })) ctx.out.push(c);
    const s = ctx.depth < MAX_DEPTH ? staticOutput(inner, ctx) : null;
    word += s ?? `$(${inner.trim()})`;
    inWord = true;
  };
  const variable = (name: string) => {
    word += ctx.vars.has(name) ? ctx.vars.get(name)! : `$${name}`;
    inWord = true;
  };
  let dq = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      const n = line[i + 1];
      i++;
      if (n === undefined || n === '\n') continue;
      if (dq && !'$`"\\'.includes(n)) word += '\\';
      word += n;
      inWord = true;
      continue;
    }
    if (c === '$' && line[i + 1] === '(' ) {
      const end = matchParen(line, i + 2);
      substitute(line.slice(i + 2, end));
      i = end;
      continue;
    }
    if (c === '`') {
      let end = line.indexOf('`', i + 1);
      if (end < 0) end = line.length;
      substitute(line.slice(i + 1, end));
      i = end;
      continue;
    }
    if (c === '$' && line[i + 1] === '{') {
      const end = line.indexOf('}', i + 2);
      const name = line.slice(i + 2, end < 0 ? line.length : end).replace(/[:#%/].*$/, '');
      variable(name);
      i = end < 0 ? line.length : end;
      continue;
    }
    if (c === '$' && /[A-Za-z_]/.test(line[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1))!;
      variable(m[0]);
      i += m[0].length;
      continue;
    }
    if (dq) {
      if (c === '"') dq = false;
      else word += c;
      continue;
    }
    if (c === '"') {
      dq = true;
      inWord = true;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? line.length : end);
      inWord = true;
      i = end < 0 ? line.length : end;
      continue;
    }
    if (c === '$' && line[i + 1] === "'") {
      let j = i + 2;
      while (j < line.length && line[j] !== "'") j += line[j] === '\\' ? 2 : 1;
      word += decodeAnsiC(line.slice(i + 2, j));
      inWord = true;
      i = j;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '\n' || c === '\r' || c === '(' || c === ')' || c === '{' && !inWord || c === '}' && !inWord) {
      endCmd();
      continue;
    }
    if (c === '<' || c === '>') {
      // A redirection is not a word of the command; its target is skipped with it.
      endWord();
      while (line[i + 1] === '>' || line[i + 1] === '&' || line[i + 1] === '<') i++;
      while (line[i + 1] === ' ' || line[i + 1] === '\t') i++;
      let j = i + 1;
      while (j < line.length && !/[\s;&|]/.test(line[j]!)) j++;
      i = j - 1;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    if (c === '#' && !inWord) break;
    word += c;
    inWord = true;
  }
  endCmd();
  return cmds;
}

/** Strips assignments and wrappers; returns the command words and nested scripts (`bash -c`, `eval`) to inspect. */
function unwrap(words: string[], ctx: Ctx): { words: string[]; nested: string[] } {
  const nested: string[] = [];
  let w = [...words];
  for (let guard = 0; guard < 10 && w.length; guard++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w[0]!);
    if (m) {
      ctx.vars.set(m[1]!, m[2]!);
      w = w.slice(1);
      continue;
    }
    const base = w[0]!.replace(/^.*\//, '');
    if (WRAPPERS.has(base)) {
      w = w.slice(1);
      // Options of the wrapper (`sudo -u root`, `timeout 5`, `nice -n 5`) come before the command.
      while (w.length && (/^-/.test(w[0]!) || /^\d+[smhd]?$/.test(w[0]!) || /^[A-Za-z_]+=/.test(w[0]!))) {
        const opt = w.shift()!;
        if (/^-(u|g|n|c|C|p)$/.test(opt) && w.length) w.shift();
      }
      continue;
    }
    if (base === 'eval') {
      nested.push(w.slice(1).join(' '));
      return { words: w, nested };
    }
    if (SHELLS.has(base)) {
      const ci = w.indexOf('-c');
      if (ci >= 0 && w[ci + 1] !== undefined) nested.push(w[ci + 1]!);
    }
    break;
  }
  return { words: w, nested };
}

function normaliseAll(line: string, ctx: Ctx): string[] {
  const out: string[] = [];
  for (const words of splitCommands(line, ctx)) {
    const { words: w, nested } = unwrap(words, ctx);
    if (w.length) {
      out.push(w.join(' '));
      const base = w[0]!.replace(/^.*\//, '');
      if (base !== w[0]) out.push([base, ...w.slice(1)].join(' '));
    }
    if (ctx.depth < MAX_DEPTH) for (const n of nested) out.push(...normaliseAll(n, { ...ctx, depth: ctx.depth + 1 }));
  }
  out.push(...ctx.out.splice(0));
  return out;
}

/** The simple commands a line would run, each as `name arg arg`, quotes removed and known expansions applied. */
export function normaliseCommandLine(line: string): string[] {
  const ctx: Ctx = { vars: new Map(), out: [], depth: 0 };
  return [...new Set(normaliseAll(line.replace(/\r/g, '\n'), ctx))];
}

const SEVERITY: Record<CommandVerdict, number> = { allowed: 0, approval_required: 1, denied: 2 };
const VERDICT: Record<CommandAction, CommandVerdict> = { allow: 'allowed', deny: 'denied', approve: 'approval_required' };

/** Compiles a rule's pattern; an invalid pattern is reported when the rule is saved, never at match time. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(pattern, 'i');
}

/**
 * Decides a typed line. Each simple command it contains is matched against the rules in priority order (the first
 * matching rule decides for that command); the line's verdict is the strictest of its commands. No rule: allowed.
 */
export function evaluateCommand(line: string, rules: readonly CommandRule[]): CommandDecision {
  const candidates = normaliseCommandLine(line);
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  const compiled = sorted.map((r) => ({ r, re: compilePattern(r.pattern) }));
  let best: CommandDecision = { verdict: 'allowed', rule: null, candidates };
  for (const cand of candidates) {
    const hit = compiled.find(({ re }) => re.test(cand));
    if (!hit) continue;
    const v = VERDICT[hit.r.action];
    if (SEVERITY[v] > SEVERITY[best.verdict] || (best.rule === null && v === 'allowed')) best = { verdict: v, rule: hit.r, candidates };
  }
  return best;
}

/**
 * Tracks what the operator is typing at an interactive shell, so a line can be judged when Enter is pressed.
 * History recall and tab completion make the typed bytes differ from the line the shell runs: the line is then
 * marked uncertain and the caller also judges the echoed screen line.
 */
export function createLineTracker() {
  let buf = '';
  let uncertain = false;
  let esc = 0;
  return {
    /** Feeds one typed character (not Enter). */
    feed(ch: string): void {
      const code = ch.charCodeAt(0);
      if (esc > 0) {
        // CSI sequences end with a letter or ~; arrows mean history or cursor movement.
        if (esc === 1 && ch !== '[' && ch !== 'O') esc = 0;
        else if (/[A-Za-z~]/.test(ch) && esc > 1) esc = 0;
        else esc++;
        uncertain = true;
        return;
      }
      if (ch === '\x1b') {
        esc = 1;
        return;
      }
      if (ch === '\x7f' || ch === '\b') buf = buf.slice(0, -1);
      else if (ch === '\x15' || ch === '\x03') {
        buf = '';
        uncertain = false;
      } else if (ch === '\x17') buf = buf.replace(/\S+\s*$/, '');
      else if (ch === '\t' || ch === '\x12' || ch === '\x10' || ch === '\x0e') uncertain = true;
      else if (code >= 0x20 || ch === '\n') buf += ch;
    },
    /** The line so far and whether it may differ from what the shell holds. */
    take(): { line: string; uncertain: boolean } {
      const r = { line: buf, uncertain };
      buf = '';
      uncertain = false;
      return r;
    },
  };
}

/** Removes terminal escape sequences so recorded output can be searched and echoed lines read. */
export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>NOM78c]/g, '');
}
