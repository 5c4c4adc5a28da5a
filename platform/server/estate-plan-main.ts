// Child-process entry of the estate evidence: plans one stack and prints the whole plan result (props already
// redacted by the planner) as JSON on stdout. Kept apart from `yiyun plan --json`, whose document carries only
// each resource's key properties: the dumps (security groups, ACLs, backups) need every rule's fields.
import { planStack } from '../../infra/plan/plan';

const argv = process.argv.slice(2);
const i = argv.indexOf('--stack');
const stack = i >= 0 ? argv[i + 1] : undefined;
if (!stack) {
  process.stderr.write('estate-plan-main: --stack S is required\n');
  process.exitCode = 1;
} else {
  planStack(stack, { cwd: process.cwd() }).then(
    (plan) => {
      process.stdout.write(JSON.stringify(plan));
    },
    (e: unknown) => {
      process.stderr.write(`estate-plan-main: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
