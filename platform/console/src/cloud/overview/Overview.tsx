import AddIcon from '@mui/icons-material/Add';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import CloseIcon from '@mui/icons-material/Close';
import DashboardCustomizeIcon from '@mui/icons-material/DashboardCustomize';
import DragIndicatorIcon from '@mui/icons-material/DragIndicator';
import WidthNormalIcon from '@mui/icons-material/WidthNormal';
import { Box, Button, Card, CardContent, CardHeader, Divider, Grid, IconButton, Menu, MenuItem, Stack, Tooltip, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Loading, Title, useNotify, useTranslate } from 'react-admin';
import { useMe } from '../../pages/useMe';
import { BRAND } from '../../theme';
import { moveItem } from '../cloud-fns';
import { useCloud } from '../kit';
import { WIDGETS, type Overview as OverviewData, type Widget } from '../types';
import { WIDGET_BODY } from './widgets';

/**
 * The customisable overview (云资源总览): widgets over resources, orders, quota use, users, capacity, the recycle
 * bin and recent operations. "Customise" lets the user add, remove, widen and reorder (buttons or drag and
 * drop); "Save" stores the layout for this account (PUT /api/cloud/overview/layout).
 */
export const CloudOverview = () => {
  const translate = useTranslate();
  const dp = useCloud();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { me } = useMe();
  const { data: ov, isPending, error } = useQuery({ queryKey: ['cloud', 'overview'], queryFn: () => dp.cloudGet<OverviewData>('overview'), refetchInterval: 15_000 });
  const [draft, setDraft] = useState<Widget[] | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [addAnchor, setAddAnchor] = useState<HTMLElement | null>(null);
  if (isPending) return <Loading />;
  if (error || !ov) return <Typography color="error" sx={{ mt: 2 }}>{(error as Error)?.message}</Typography>;
  const editing = draft !== null;
  const layout = draft ?? ov.layout;
  const missing = WIDGETS.filter((w) => !layout.some((x) => x.type === w));
  const save = async () => {
    try {
      await dp.cloudPut('overview/layout', { widgets: draft });
      await queryClient.invalidateQueries({ queryKey: ['cloud', 'overview'] });
      setDraft(null);
      notify('cloud.overview.saved', { type: 'success' });
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };
  return (
    <Box sx={{ mt: 2 }} data-testid="cloud-overview">
      <Title title={translate('cloud.overview.title')} />
      <Card sx={{ mb: 2, color: '#fff', background: `linear-gradient(100deg, ${BRAND.navy} 0%, ${BRAND.blue} 60%, ${BRAND.teal} 100%)` }}>
        <CardContent sx={{ py: 2.5, display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
          <Box sx={{ flex: 1, minWidth: 240 }}>
            <Typography variant="h5" component="h1" data-testid="welcome">
              {translate('yiyun.dashboard.welcome', { name: me?.account.displayName ?? '' })}
            </Typography>
            <Typography variant="body2" sx={{ opacity: 0.85, mt: 0.5 }}>{translate('cloud.overview.intro')}</Typography>
          </Box>
          {editing ? (
            <Stack direction="row" spacing={1}>
              <Button variant="outlined" color="inherit" startIcon={<AddIcon />} disabled={missing.length === 0} onClick={(e) => setAddAnchor(e.currentTarget)} data-testid="ov-add">{translate('cloud.overview.add')}</Button>
              <Button variant="outlined" color="inherit" onClick={() => setDraft(null)}>{translate('ra.action.cancel')}</Button>
              <Button variant="contained" color="secondary" onClick={save} data-testid="ov-save">{translate('ra.action.save')}</Button>
            </Stack>
          ) : (
            <Button variant="outlined" color="inherit" startIcon={<DashboardCustomizeIcon />} onClick={() => setDraft(ov.layout)} data-testid="ov-customise">{translate('cloud.overview.customise')}</Button>
          )}
          <Menu anchorEl={addAnchor} open={!!addAnchor} onClose={() => setAddAnchor(null)}>
            {missing.map((w) => (
              <MenuItem key={w} onClick={() => { setDraft([...layout, { type: w, w: 6 }]); setAddAnchor(null); }} data-testid={`ov-add-${w}`}>
                {translate(`cloud.overview.widgets.${w}`)}
              </MenuItem>
            ))}
          </Menu>
        </CardContent>
      </Card>
      {layout.length === 0 && <Typography color="text.secondary">{translate('cloud.overview.empty')}</Typography>}
      <Grid container spacing={2}>
        {layout.map((w, i) => {
          const Body = WIDGET_BODY[w.type];
          return (
            <Grid
              key={w.type}
              size={{ xs: 12, lg: w.w }}
              draggable={editing}
              onDragStart={() => setDragged(i)}
              onDragOver={(e) => editing && e.preventDefault()}
              onDrop={() => { if (dragged !== null && draft) setDraft(moveItem(draft, dragged, i)); setDragged(null); }}
              data-testid={`ov-widget-${w.type}`}
            >
              <Card sx={{ height: '100%', outline: editing ? '2px dashed' : 'none', outlineColor: 'primary.light', cursor: editing ? 'move' : 'default' }}>
                <CardHeader
                  title={translate(`cloud.overview.widgets.${w.type}`)}
                  slotProps={{ title: { variant: 'subtitle1', fontWeight: 600 } }}
                  sx={{ py: 1.25 }}
                  avatar={editing ? <DragIndicatorIcon color="action" /> : undefined}
                  action={
                    editing && (
                      <Stack direction="row">
                        <Tooltip title={translate('cloud.overview.move_back')}><span><IconButton size="small" disabled={i === 0} onClick={() => setDraft(moveItem(layout, i, i - 1))}><ArrowBackIcon fontSize="small" /></IconButton></span></Tooltip>
                        <Tooltip title={translate('cloud.overview.move_forward')}><span><IconButton size="small" disabled={i === layout.length - 1} onClick={() => setDraft(moveItem(layout, i, i + 1))}><ArrowForwardIcon fontSize="small" /></IconButton></span></Tooltip>
                        <Tooltip title={translate('cloud.overview.width')}><IconButton size="small" onClick={() => setDraft(layout.map((x, j) => (j === i ? { ...x, w: x.w === 12 ? 6 : x.w === 6 ? 4 : 12 } : x)))}><WidthNormalIcon fontSize="small" /></IconButton></Tooltip>
                        <Tooltip title={translate('cloud.overview.remove')}><IconButton size="small" onClick={() => setDraft(layout.filter((_, j) => j !== i))} data-testid={`ov-remove-${w.type}`}><CloseIcon fontSize="small" /></IconButton></Tooltip>
                      </Stack>
                    )
                  }
                />
                <Divider />
                <CardContent>
                  <Body ov={ov} />
                </CardContent>
              </Card>
            </Grid>
          );
        })}
      </Grid>
    </Box>
  );
};
