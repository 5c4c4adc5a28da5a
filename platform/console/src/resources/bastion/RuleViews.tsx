import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import { Alert, Chip, Stack } from '@mui/material';
import {
  BooleanField,
  BooleanInput,
  Create,
  CreateButton,
  DataTable,
  DeleteButton,
  List,
  NumberInput,
  ReferenceField,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useNotify,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { api } from '../../api/http';
import { ConfirmButton } from '../../components/ActionButton';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import type { BastionApproval, BastionRule } from './types';

const R = 'bastion-command-rules';
const ACTION_TONES = { allow: 'success', deny: 'error', approve: 'warning' } as const;

export const RuleActionChip = ({ action }: { action: string }) => {
  const t = useTranslate();
  return <Chip size="small" color={ACTION_TONES[action as keyof typeof ACTION_TONES] ?? 'default'} label={t(`resources.${R}.choices.action.${action}`, { _: action })} />;
};

const ListActions = () => {
  const { can } = usePerms();
  return <TopToolbar>{can(R, 'create') && <CreateButton />}</TopToolbar>;
};

/** Command rules in the order the gateway applies them. */
export const RuleList = () => {
  const t = useTranslate();
  const { can } = usePerms();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {t(`resources.${R}.hint`)}
      </Alert>
      <List actions={<ListActions />} perPage={50} exporter={false} sort={{ field: 'priority', order: 'ASC' }}>
        <DataTable<BastionRule> bulkActionButtons={false} data-testid="bastion-rules-table">
          <DataTable.Col source="priority" />
          <DataTable.Col source="name" />
          <DataTable.Col source="pattern" disableSort render={(r) => <Mono>{r.pattern}</Mono>} />
          <DataTable.Col source="action" render={(r) => <RuleActionChip action={r.action} />} />
          <DataTable.Col source="enabled">
            <BooleanField source="enabled" />
          </DataTable.Col>
          <DataTable.Col source="createdAt">
            <DateTimeField source="createdAt" />
          </DataTable.Col>
          {can(R, 'delete') ? <DataTable.Col label=" " disableSort render={() => <DeleteButton mutationMode="pessimistic" redirect={false} />} /> : null}
        </DataTable>
      </List>
    </>
  );
};

export const RuleCreate = () => {
  const t = useTranslate();
  return (
    <Create redirect="list">
      <SimpleForm defaultValues={{ action: 'deny', priority: 100, enabled: true }}>
        <TextInput source="name" validate={required()} />
        <TextInput source="pattern" validate={required()} helperText={t(`resources.${R}.help.pattern`)} fullWidth />
        <SelectInput source="action" choices={choicesOf(R, 'action', ['allow', 'deny', 'approve'])} validate={required()} />
        <NumberInput source="priority" min={0} max={10000} />
        <BooleanInput source="enabled" />
      </SimpleForm>
    </Create>
  );
};

const A = 'bastion-approvals';
const STATUS_TONES = { pending: 'warning', approved: 'success', rejected: 'error', used: 'default' } as const;

const Decide = ({ r }: { r: BastionApproval }) => {
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { can } = usePerms();
  if (r.status !== 'pending' || !can(A, 'decide')) return null;
  const decide = (approve: boolean) => async () => {
    await api('POST', `/api/bastion/approvals/${r.id}/decision`, { body: { approve } }).then(
      () => notify(`resources.${A}.decided`, { type: 'success' }),
      (e: Error) => notify(e.message, { type: 'error' }),
    );
    refresh();
  };
  return (
    <Stack direction="row" spacing={0.5}>
      <ConfirmButton label={`resources.${A}.approve`} icon={<CheckIcon />} title={t(`resources.${A}.approve`)} content={r.command} onConfirm={decide(true)} testId={`approve-${r.id}`} />
      <ConfirmButton label={`resources.${A}.reject`} color="error" icon={<CloseIcon />} title={t(`resources.${A}.reject`)} content={r.command} onConfirm={decide(false)} testId={`reject-${r.id}`} />
    </Stack>
  );
};

/** Commands waiting for a second person (rules with action "require approval"); nobody approves their own. */
export const ApprovalList = () => {
  const t = useTranslate();
  return (
    <List perPage={25} exporter={false} sort={{ field: 'createdAt', order: 'DESC' }}>
      <DataTable<BastionApproval> bulkActionButtons={false} data-testid="bastion-approvals-table">
        <DataTable.Col source="createdAt">
          <DateTimeField source="createdAt" />
        </DataTable.Col>
        <DataTable.Col source="operatorLogin" />
        <DataTable.Col source="assetId" disableSort>
          <ReferenceField source="assetId" reference="bastion-assets" link="show">
            <TextField source="name" />
          </ReferenceField>
        </DataTable.Col>
        <DataTable.Col source="command" disableSort render={(r) => <Mono>{r.command}</Mono>} />
        <DataTable.Col source="status" render={(r) => <Chip size="small" color={STATUS_TONES[r.status as keyof typeof STATUS_TONES] ?? 'default'} label={t(`resources.${A}.choices.status.${r.status}`, { _: r.status })} />} />
        <DataTable.Col source="decidedBy" />
        <DataTable.Col source="decidedAt">
          <DateTimeField source="decidedAt" />
        </DataTable.Col>
        <DataTable.Col label=" " disableSort render={(r) => <Decide r={r as BastionApproval} />} />
      </DataTable>
    </List>
  );
};
