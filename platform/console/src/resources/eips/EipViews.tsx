import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import { Create, DataTable, DeleteButton, FormDataConsumer, List, NumberInput, ReferenceInput, SelectInput, SimpleForm, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FormGrid } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { DialogButton } from '../../cloud/dialogs';
import { CloudListActions, cloudFilters, RowActions, RunButton, SpecText, StatusField, useCloud, listSx } from '../../cloud/kit';
import { KIND_RESOURCE, type CloudResource } from '../../cloud/types';

const BoundTo = () => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const b = r?.spec.boundTo as { type: string; name: string } | null | undefined;
  return <span>{b ? `${translate(`cloud.kinds.${b.type}`, { _: b.type })} · ${b.name}` : translate('yiyun.common.none')}</span>;
};

/** Bind / unbind of one EIP (to a VM, an elastic NIC or a HaVIP). */
export const EipBindActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  if (!r) return null;
  return r.spec.boundTo ? (
    <RunButton label="resources.eips.actions.unbind" icon={<LinkOffIcon />} confirm={translate('resources.eips.actions.unbind_confirm', { name: r.name })} run={() => dp.cloudPost(`eips/${r.id}/unbind`)} testId="eip-unbind" />
  ) : (
    <DialogButton label="resources.eips.actions.bind" icon={<LinkIcon />} record={{ targetType: 'vm', targetId: '' }} submit={(v) => dp.cloudPost(`eips/${r.id}/bind`, v)} testId="eip-bind">
      <SelectInput source="targetType" label="resources.eips.fields.targetType" choices={['vm', 'nic', 'havip'].map((id) => ({ id, name: `cloud.kinds.${id}` }))} validate={required()} fullWidth />
      <FormDataConsumer>
        {({ formData }) => (
          <ReferenceInput key={formData.targetType} source="targetId" reference={KIND_RESOURCE[formData.targetType] ?? 'vms'}>
            <SelectInput optionText="name" label="resources.eips.fields.targetId" validate={required()} fullWidth />
          </ReferenceInput>
        )}
      </FormDataConsumer>
    </DialogButton>
  );
};

export const EipList = () => (
  <List sx={listSx} filters={cloudFilters('eips', ['available', 'bound'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.ip" disableSort><SpecText path="ip" /></DataTable.Col>
      <DataTable.Col source="spec.bandwidthMbps" disableSort><SpecText path="bandwidthMbps" suffix=" Mbps" /></DataTable.Col>
      <DataTable.Col source="spec.chargeMode" disableSort render={(r) => <ChargeMode value={r.spec.chargeMode} />} />
      <DataTable.Col source="spec.boundTo" disableSort><BoundTo /></DataTable.Col>
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><EipBindActions /><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

const ChargeMode = ({ value }: { value: string }) => <>{useTranslate()(`resources.eips.choices.chargeMode.${value}`, { _: value })}</>;

export const EipCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ bandwidthMbps: 10, chargeMode: 'dedicated' }}>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <NumberInput source="bandwidthMbps" label="resources.eips.fields.spec.bandwidthMbps" min={1} max={10000} />
        <SelectInput source="chargeMode" label="resources.eips.fields.spec.chargeMode" choices={choicesOf('eips', 'chargeMode', ['dedicated', 'shared'])} />
      </FormGrid>
    </SimpleForm>
  </Create>
);

export const EipShow = () => <CloudShow actions={<EipBindActions />} />;
