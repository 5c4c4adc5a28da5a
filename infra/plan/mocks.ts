import * as pulumi from '@pulumi/pulumi';
import { sm3Hex } from '../../core/crypto';
import type { ResourceDescription } from '../../policies';

/** Pulumi's wire marker for a secret value (what `newResource` receives for `pulumi.secret(...)`). */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

export const REDACTED = '[secret]';

function isSecretBox(v: unknown): v is { value: unknown } {
  return !!v && typeof v === 'object' && SECRET_SIG in (v as object);
}

/** Unwraps secret boxes (for the rules, which never print values). */
export function reveal(v: unknown): unknown {
  if (isSecretBox(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

const SECRET_KEYS = /^(password|adminPass|psk|token|secret|privateKey|kubeconfig|stringData|applicationCredentialSecret|imageSourcePassword)$/i;

/** Replaces secrets with "[secret]": values marked secret, keys that name secrets, and the data of Kubernetes Secrets. */
export function redact(v: unknown, type?: string): unknown {
  if (isSecretBox(v)) return REDACTED;
  if (Array.isArray(v)) return v.map((x) => redact(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A pod volume's `secret: { secretName }` names a Secret and holds none: keep it readable.
      const secretReference = k === 'secret' && !!x && typeof x === 'object' && 'secretName' in x;
      if ((SECRET_KEYS.test(k) && !secretReference) || (type === 'kubernetes:core/v1:Secret' && k === 'data')) out[k] = REDACTED;
      else out[k] = redact(x);
    }
    return out;
  }
  return v;
}

/** Zone of a resource from its provider reference "urn:…::pulumi:providers:openstack::dmz-openstack::id". */
export function zoneOfProvider(provider: string | undefined): string | undefined {
  const name = provider?.split('::')[3];
  return name?.match(/^([a-z][a-z0-9]*)-(openstack|k8s)$/)?.[1];
}

export interface Recorded extends ResourceDescription {
  custom: boolean;
  /** inputs as received, secrets still boxed (print only through `redact`) */
  raw: Record<string, unknown>;
}

/**
 * Mocks that record every resource. Ids are the logical names (so references between resources read
 * as names), outputs echo inputs, random passwords produce a fixed placeholder.
 */
export function recordingMocks(recorded: Recorded[], defaultZone: string, onResource?: (count: number) => void): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const zone = zoneOfProvider(args.provider) ?? defaultZone;
      const raw = args.inputs as Record<string, unknown>;
      recorded.push({ type: args.type, name: args.name, zone, id: args.name, props: reveal(raw) as Record<string, unknown>, raw, custom: args.custom !== false });
      onResource?.(recorded.length);
      const state: Record<string, unknown> = { ...raw };
      if (args.type.startsWith('random:')) state.result = 'mock-random-value';
      // Key material derived from random bytes (infra/k8s/zone-keys.ts) needs well-formed hex to compute with.
      if (args.type === 'random:index/randomBytes:RandomBytes') {
        state.hex = sm3Hex(args.name);
        state.base64 = Buffer.from(state.hex as string, 'hex').toString('base64');
      }
      return { id: args.name, state };
    },
    call(args) {
      return args.inputs;
    },
  };
}
