import { ArrayInput, BooleanInput, Create, DataTable, DeleteButton, FormDataConsumer, List, NumberInput, ReferenceInput, SelectInput, SimpleForm, SimpleFormIterator, TextInput, required, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeText } from '../../components/fields';
import { FormGrid } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, SpecText, StatusField, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

const Mode = ({ value }: { value: string }) => <>{useTranslate()(`resources.backups.choices.mode.${value}`, { _: value })}</>;

export const BackupPolicyList = () => (
  <List sx={listSx} filters={cloudFilters('backup-policies', ['enabled', 'disabled'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.mode" disableSort render={(r) => <Mode value={r.spec.mode} />} />
      <DataTable.Col source="spec.intervalHours" disableSort><SpecText path="intervalHours" /></DataTable.Col>
      <DataTable.Col source="spec.retentionDays" disableSort><SpecText path="retentionDays" /></DataTable.Col>
      <DataTable.Col source="spec.targets" disableSort render={(r) => (r.spec.targets ?? []).length} />
      <DataTable.Col source="spec.nextRunAt" disableSort render={(r) => <DateTimeText value={r.spec.nextRunAt} />} />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** A schedule: every N hours, full or incremental, kept for M days, over chosen disks and VMs. */
export const BackupPolicyCreate = () => (
  <Create redirect="list" transform={(v: Record<string, any>) => ({ ...v, intervalHours: Number(v.intervalHours), retentionDays: Number(v.retentionDays), targets: (v.targets ?? []).filter((t: any) => t?.id) })}>
    <SimpleForm defaultValues={{ mode: 'incremental', intervalHours: 24, retentionDays: 30, enabled: true, targets: [] }}>
      <FormGrid columns={3}>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <SelectInput source="mode" label="resources.backup-policies.fields.spec.mode" choices={choicesOf('backups', 'mode', ['full', 'incremental'])} validate={required()} />
        <BooleanInput source="enabled" label="resources.backup-policies.fields.enabled" />
        <NumberInput source="intervalHours" label="resources.backup-policies.fields.spec.intervalHours" min={1} max={744} validate={required()} />
        <NumberInput source="retentionDays" label="resources.backup-policies.fields.spec.retentionDays" min={1} max={3650} validate={required()} />
      </FormGrid>
      <ArrayInput source="targets" label="resources.backup-policies.fields.spec.targets">
        <SimpleFormIterator inline disableReordering>
          <SelectInput source="type" label="resources.backups.fields.spec.sourceType" choices={['disk', 'vm'].map((id) => ({ id, name: `cloud.kinds.${id}` }))} validate={required()} />
          <FormDataConsumer>
            {({ scopedFormData }) => (
              <ReferenceInput key={scopedFormData?.type} source="id" reference={scopedFormData?.type === 'vm' ? 'vms' : 'disks'}>
                <SelectInput optionText="name" label="resources.backups.fields.spec.sourceName" validate={required()} />
              </ReferenceInput>
            )}
          </FormDataConsumer>
        </SimpleFormIterator>
      </ArrayInput>
    </SimpleForm>
  </Create>
);

export const BackupPolicyShow = () => <CloudShow />;
