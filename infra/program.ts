import * as pulumi from '@pulumi/pulumi';
import { projectConfigSchema, stackConfigSchema } from './config/config-schema';
import { validateEstateConfig } from './config/load-config';
import { buildEstate, type EstateSummary } from './estate';

/** Reads one key as structured config when it parses as JSON, else as a plain string. */
function read(cfg: pulumi.Config, key: string): unknown {
  const plain = cfg.get(key);
  if (plain === undefined) return undefined;
  try {
    return cfg.getObject(key);
  } catch {
    return plain;
  }
}

/** The program `pulumi up` runs: config from the Pulumi engine, then the same builder `yiyun plan` uses. */
export function runProgram(): EstateSummary {
  const cfg = new pulumi.Config('yiyun');
  const rawStack: Record<string, unknown> = {};
  for (const key of Object.keys(stackConfigSchema.shape)) {
    if (key === 'databaseUrl') continue; // read as a secret below
    const v = read(cfg, key);
    if (v !== undefined) rawStack[key] = v;
  }
  const rawProject: Record<string, unknown> = {};
  for (const key of Object.keys(projectConfigSchema.shape)) rawProject[key] = read(cfg, key);
  const estate = validateEstateConfig(pulumi.getStack(), rawStack, rawProject);
  const databaseUrl = cfg.getSecret('databaseUrl');
  // Secrets that never sit in the stack file in clear: `pulumi config set --secret yiyun:syslogTlsKey < key.pem`.
  const tlsCert = cfg.get('syslogTlsCert');
  const tlsKey = cfg.getSecret('syslogTlsKey');
  return buildEstate(estate, {
    ...(cfg.get('databaseUrl') === undefined ? {} : { databaseUrl: databaseUrl as pulumi.Output<string> }),
    ...(tlsCert && tlsKey ? { syslogTls: { cert: tlsCert, key: tlsKey } } : {}),
  });
}
