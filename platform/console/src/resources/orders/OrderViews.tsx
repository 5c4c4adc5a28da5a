import { Link } from 'react-router-dom';
import { DataTable, List, SelectInput, Show, SimpleShowLayout, TextField, TextInput, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField, JsonBlock } from '../../components/fields';
import { StatusField, listSx } from '../../cloud/kit';
import { KIND_RESOURCE, type Order } from '../../cloud/types';

const STATUSES = ['submitted', 'running', 'completed', 'failed'];
const PENDING = new Set(['submitted', 'running', 'processing']);
const filters = [
  <SelectInput key="status" source="status" alwaysOn label="resources.orders.fields.status" choices={STATUSES.map((id) => ({ id, name: `cloud.status.${id}` }))} />,
  <TextInput key="kind" source="kind" label="resources.orders.fields.kind" />,
];

const Words = ({ group, value }: { group: string; value: string }) => <>{useTranslate()(`${group}.${value}`, { _: value })}</>;

const Target = () => {
  const o = useRecordContext<Order>();
  if (!o?.resourceId) return <span>—</span>;
  const d = o.detail as Record<string, unknown>;
  return <Link to={`/${KIND_RESOURCE[o.kind] ?? o.kind}/${o.resourceId}/show`} onClick={(e) => e.stopPropagation()}>{String(d.name ?? o.resourceId.slice(0, 8))}</Link>;
};

/** Orders: every create and resize, with its state. */
export const OrderList = () => (
  <List sx={listSx} filters={filters} actions={false} sort={{ field: 'createdAt', order: 'DESC' }} queryOptions={{ refetchInterval: (q: any) => ((q.state.data?.data ?? []) as Order[]).some((o) => PENDING.has(o.status)) ? 2000 : false }}>
    <DataTable<Order> rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" disableSort><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col source="kind" disableSort render={(o) => <Words group="cloud.kinds" value={o.kind} />} />
      <DataTable.Col source="action" disableSort render={(o) => <Words group="resources.orders.choices.action" value={o.action} />} />
      <DataTable.Col source="resourceId" disableSort><Target /></DataTable.Col>
      <DataTable.Col source="status" disableSort><StatusField /></DataTable.Col>
      <DataTable.Col source="createdBy" disableSort />
      <DataTable.Col source="updatedAt" disableSort><DateTimeField source="updatedAt" /></DataTable.Col>
    </DataTable>
  </List>
);

const Detail = () => <JsonBlock value={useRecordContext<Order>()?.detail} />;

export const OrderShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="id" />
      <TextField source="kind" />
      <TextField source="action" />
      <StatusField />
      <Target />
      <TextField source="createdBy" />
      <DateTimeField source="createdAt" />
      <DateTimeField source="updatedAt" />
      <Detail />
    </SimpleShowLayout>
  </Show>
);
