import { Chip, Stack } from '@mui/material';
import {
  AutocompleteInput,
  CheckboxGroupInput,
  Create,
  CreateButton,
  DataTable,
  DateTimeInput,
  DeleteButton,
  List,
  RadioButtonGroupInput,
  ReferenceField,
  ReferenceInput,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useTranslate,
} from 'react-admin';
import { useWatch } from 'react-hook-form';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import type { BastionGrant } from './types';

const R = 'bastion-grants';
const PROTOCOLS = ['shell', 'exec', 'sftp'] as const;

const ListActions = () => {
  const { can } = usePerms();
  return <TopToolbar>{can(R, 'create') && <CreateButton />}</TopToolbar>;
};

const GrantStatus = ({ g }: { g: BastionGrant }) => {
  const t = useTranslate();
  return <Chip size="small" color={g.expired ? 'default' : 'success'} label={t(`resources.${R}.choices.status.${g.expired ? 'expired' : 'active'}`)} />;
};

const Protocols = ({ values }: { values: string[] }) => {
  const t = useTranslate();
  return (
    <Stack direction="row" spacing={0.5}>
      {values.map((p) => (
        <Chip key={p} size="small" variant="outlined" label={t(`resources.${R}.choices.protocol.${p}`, { _: p })} />
      ))}
    </Stack>
  );
};

/** Who may use which account on which asset (or folder of assets), through which protocols, until when. */
export const GrantList = () => {
  const { can } = usePerms();
  return (
    <List actions={<ListActions />} perPage={25} exporter={false} sort={{ field: 'createdAt', order: 'DESC' }}>
      <DataTable<BastionGrant> bulkActionButtons={false} data-testid="bastion-grants-table">
        <DataTable.Col source="operatorLogin" />
        <DataTable.Col source="accountUsername" render={(g) => <Mono>{g.accountUsername}</Mono>} />
        <DataTable.Col
          source="target"
          disableSort
          render={(g) =>
            g.assetId ? (
              <ReferenceField source="assetId" reference="bastion-assets" link="show">
                <TextField source="name" />
              </ReferenceField>
            ) : (
              <Mono>{`${g.folder ?? ''}*`}</Mono>
            )
          }
        />
        <DataTable.Col source="protocols" disableSort render={(g) => <Protocols values={g.protocols} />} />
        <DataTable.Col source="validFrom">
          <DateTimeField source="validFrom" />
        </DataTable.Col>
        <DataTable.Col source="validUntil">
          <DateTimeField source="validUntil" />
        </DataTable.Col>
        <DataTable.Col source="expired" render={(g) => <GrantStatus g={g as BastionGrant} />} />
        <DataTable.Col source="createdBy" />
        {can(R, 'delete') ? (
          <DataTable.Col label=" " disableSort render={() => <DeleteButton label={`resources.${R}.revoke`} mutationMode="pessimistic" confirmTitle={`resources.${R}.revoke_title`} confirmContent={`resources.${R}.revoke_content`} redirect={false} />} />
        ) : null}
      </DataTable>
    </List>
  );
};

const TargetInputs = () => {
  const t = useTranslate();
  const kind = useWatch({ name: 'targetKind' });
  return kind === 'folder' ? (
    <TextInput source="folder" defaultValue="/" helperText={t(`resources.${R}.help.folder`)} validate={required()} />
  ) : (
    <ReferenceInput source="assetId" reference="bastion-assets" perPage={500}>
      <AutocompleteInput optionText="name" validate={required()} />
    </ReferenceInput>
  );
};

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' && v ? new Date(v).toISOString() : undefined);

/** The API takes either an asset or a folder, and absolute instants. */
const toBody = (d: Record<string, any>) => ({
  operatorLogin: d.operatorLogin,
  accountUsername: d.accountUsername,
  protocols: d.protocols,
  ...(d.targetKind === 'folder' ? { folder: d.folder } : { assetId: d.assetId }),
  validFrom: iso(d.validFrom),
  validUntil: iso(d.validUntil),
});

export const GrantCreate = () => {
  const t = useTranslate();
  const inAWeek = new Date(Date.now() + 7 * 86_400_000);
  return (
    <Create redirect="list" transform={toBody}>
      <SimpleForm defaultValues={{ targetKind: 'asset', protocols: ['shell', 'exec', 'sftp'], validUntil: inAWeek }}>
        <TextInput source="operatorLogin" helperText={t(`resources.${R}.help.operator`)} validate={required()} />
        <RadioButtonGroupInput source="targetKind" label={`resources.${R}.targetKind`} choices={choicesOf(R, 'targetKind', ['asset', 'folder'])} />
        <TargetInputs />
        <TextInput source="accountUsername" validate={required()} />
        <CheckboxGroupInput source="protocols" choices={choicesOf(R, 'protocol', PROTOCOLS)} validate={required()} />
        <DateTimeInput source="validFrom" />
        <DateTimeInput source="validUntil" validate={required()} />
      </SimpleForm>
    </Create>
  );
};
