// Test and ops entry without the yiyun CLI: node --import=tsx infra/plan/plan-main.ts --stack S [--json] [--diagram F.svg]
import { runPlanCommand } from './plan-command';

const argv = process.argv.slice(2);
const get = (flag: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
void runPlanCommand(
  { stack: get('--stack') ?? '', json: argv.includes('--json'), ...(get('--diagram') ? { diagram: get('--diagram')! } : {}) },
  { stdout: process.stdout, stderr: process.stderr },
).then((code) => {
  process.exitCode = code;
});
