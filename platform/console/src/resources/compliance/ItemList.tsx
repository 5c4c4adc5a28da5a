import InsightsIcon from '@mui/icons-material/Insights';
import { Alert, Box, Button, Typography } from '@mui/material';
import { Link } from 'react-router-dom';
import { DataTable, FilterButton, List, SearchInput, SelectInput, TopToolbar, useListFilterContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { ChoiceText, ItemIdText, Paraphrase, VerdictChip } from './ComplianceFields';
import { CATALOGUES, COMPLIANCE_DASHBOARD_PATH, CATEGORIES, CHECK_KINDS, RESPONSIBILITIES, VERDICT_FILTERS, type CatalogueId, type ComplianceItem } from './types';

/** Categories of the chosen catalogue (both when none is chosen); the names are the standards' own. */
const CategoryInput = (props: { source: string; label: string }) => {
  const { filterValues } = useListFilterContext();
  const catalogue = filterValues.catalogue as CatalogueId | undefined;
  const names = catalogue ? CATEGORIES[catalogue] : CATALOGUES.flatMap((c) => CATEGORIES[c]);
  return <SelectInput {...props} choices={names.map((n) => ({ id: n, name: n }))} translateChoice={false} />;
};

const itemFilters = (translate: (k: string) => string) => [
  <SearchInput key="q" source="q" alwaysOn placeholder={translate('resources.compliance.filters.q')} />,
  <SelectInput key="catalogue" source="catalogue" label="resources.compliance.filters.catalogue" choices={choicesOf('compliance', 'catalogue', CATALOGUES)} alwaysOn />,
  <SelectInput key="verdict" source="verdict" label="resources.compliance.filters.verdict" choices={choicesOf('compliance', 'verdict', VERDICT_FILTERS)} alwaysOn />,
  <CategoryInput key="category" source="category" label="resources.compliance.filters.category" />,
  <SelectInput key="responsibility" source="responsibility" label="resources.compliance.filters.responsibility" choices={choicesOf('compliance', 'responsibility', RESPONSIBILITIES)} />,
  <SelectInput key="checkKind" source="checkKind" label="resources.compliance.filters.checkKind" choices={choicesOf('compliance', 'checkKind', CHECK_KINDS)} />,
];

const ListActions = () => {
  const translate = useTranslate();
  return (
    <TopToolbar>
      <FilterButton />
      <Button component={Link} to={COMPLIANCE_DASHBOARD_PATH} size="small" startIcon={<InsightsIcon />}>
        {translate('resources.compliance.menu.dashboard')}
      </Button>
    </TopToolbar>
  );
};

/** Every item of both catalogues with its current verdict; the API scopes tenants to their own and shared items. */
export const ItemList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate('resources.compliance.hint')}
      </Alert>
      <List filters={itemFilters(translate)} actions={<ListActions />} perPage={50} exporter={false} sort={{ field: 'id', order: 'ASC' }} storeKey="compliance.items">
        <DataTable<ComplianceItem> rowClick="show" bulkActionButtons={false} data-testid="compliance-items">
          <DataTable.Col source="id" disableSort render={(r) => <ItemIdText item={r as ComplianceItem} />} />
          <DataTable.Col
            source="category"
            disableSort
            render={(r) => (
              <Box sx={{ minWidth: 96 }}>
                <Typography variant="body2" component="div" sx={{ whiteSpace: 'nowrap' }}>
                  {r.category}
                </Typography>
                <Typography variant="caption" color="text.secondary" component="div">
                  {r.controlPoint}
                </Typography>
              </Box>
            )}
          />
          <DataTable.Col source="zh" disableSort render={(r) => <Paraphrase item={r as ComplianceItem} compact />} />
          <DataTable.Col source="responsibility" disableSort render={(r) => (
              <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
                <ChoiceText group="responsibility" value={r.responsibility} />
              </Box>
            )} />
          <DataTable.Col source="checkKind" disableSort render={(r) => (
              <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
                <ChoiceText group="checkKind" value={r.checkKind} />
              </Box>
            )} />
          <DataTable.NumberCol source="weight" disableSort />
          <DataTable.Col source="verdict" disableSort render={(r) => <VerdictChip verdict={r.verdict} />} />
          <DataTable.Col source="collectedAt" disableSort>
            <DateTimeField source="collectedAt" />
          </DataTable.Col>
          <DataTable.NumberCol source="evidenceFiles" disableSort />
        </DataTable>
      </List>
    </>
  );
};
