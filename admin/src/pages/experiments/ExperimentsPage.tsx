import { useCallback, useEffect, useState } from 'react';

import { Box, Button, Flex, IconButton, Link, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { ChartPie, Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink, useNavigate } from 'react-router-dom';

import { deleteExperiment, getExperimentResults, getExperiments, type Experiment, type ExperimentResults } from '../../api';
import { ColumnHeader } from '../../components/ColumnHeader';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Code } from '../../components/Figure';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { cellLabel } from '../../experiments/factors';
import { modeLabel, useT, verdictLabel } from '../../experiments/i18n';
import { primaryResults, shownInterval, verdictOf } from '../../experiments/verdict';
import { errorMessage } from '../../utils/api';
import { usePercent } from './charts';
import { EXPERIMENTS_PATH, HOLDOUT_PATH } from '../../experiments/paths';
import { StatusBadge } from './LifecycleActions';

/** The experiments: status, arms and weights, visitors and lift so far; create, edit, results, delete. */
export const ExperimentsPage = () => {
  const t = useT();
  const client = useFetchClient();
  const { formatNumber } = useIntl();
  const percent = usePercent();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const { canManageExperiments } = usePluginPermissions();
  const [experiments, setExperiments] = useState<Experiment[] | null>(null);
  const [results, setResults] = useState<Record<string, ExperimentResults | null>>({});
  const [error, setError] = useState(false);
  const [deleting, setDeleting] = useState<Experiment | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await getExperiments(client);
      setExperiments(list);
      const started = list.filter((experiment) => experiment.status !== 'draft');
      const loaded = await Promise.all(
        started.map(async (experiment) => {
          try {
            return [experiment.documentId, await getExperimentResults(client, experiment.documentId)] as const;
          } catch {
            return [experiment.documentId, null] as const;
          }
        })
      );
      setResults(Object.fromEntries(loaded));
    } catch {
      setError(true);
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (experiment: Experiment) => {
    setDeleting(null);
    try {
      await deleteExperiment(client, experiment.documentId);
      toggleNotification({ type: 'success', message: t('deleted', 'Experiment "{name}" deleted', { name: experiment.name }) });
      await load();
    } catch (reason) {
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    }
  };

  if (error) return <Page.Error />;
  if (!experiments) return <Page.Loading />;

  return (
    <>
      <Page.Title>{t('list.title', 'Experiments')}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('list.title', 'Experiments')}
          subtitle={t('list.subtitle', 'A/B tests and bandits on variants: which version of an entry works better, with honest statistics.')}
          primaryAction={
            canManageExperiments ? (
              <Button startIcon={<Plus />} onClick={() => navigate(`${EXPERIMENTS_PATH}/new`)}>
                {t('list.create', 'Create an experiment')}
              </Button>
            ) : undefined
          }
          secondaryAction={
            <Button tag={RouterLink} to={HOLDOUT_PATH} variant="tertiary" startIcon={<ChartPie />}>
              {t('holdout.link', 'Holdout report')}
            </Button>
          }
        />
        <Layouts.Content>
          {experiments.length === 0 ? (
            <Box background="neutral0" padding={8} hasRadius>
              <Typography textColor="neutral600">
                {t('list.empty', 'No experiment yet. Create one here, or from an entry’s variants field with “Test these variants”.')}
              </Typography>
            </Box>
          ) : (
            <Table colCount={6} rowCount={experiments.length + 1}>
              <Thead>
                <Tr>
                  <ColumnHeader>{t('list.name', 'Name')}</ColumnHeader>
                  <ColumnHeader>{t('list.status', 'Status')}</ColumnHeader>
                  <ColumnHeader>{t('list.arms', 'Arms')}</ColumnHeader>
                  <ColumnHeader>{t('list.units', 'Visitors')}</ColumnHeader>
                  <ColumnHeader>{t('list.lift', 'Lift (sequential interval)')}</ColumnHeader>
                  <ColumnHeader>{t('list.actions', 'Actions')}</ColumnHeader>
                </Tr>
              </Thead>
              <Tbody>
                {experiments.map((experiment) => {
                  const result = results[experiment.documentId];
                  // A multivariate experiment's arms are its cells, named by their levels.
                  const names = new Map(
                    experiment.arms.map((arm) => [arm.key, (experiment.factors ? cellLabel(experiment.factors, arm.key) : null) ?? (arm.name || arm.key)])
                  );
                  const units = result ? result.arms.reduce((sum, arm) => sum + arm.units, 0) : null;
                  const lifts = result ? primaryResults(result).filter((row) => row.arm !== row.baseline) : [];
                  return (
                    <Tr key={experiment.documentId} data-testid={`experiment-row-${experiment.key}`}>
                      <Td style={{ whiteSpace: 'normal', maxWidth: '22rem' }}>
                        <Flex direction="column" alignItems="flex-start" gap={1}>
                          {/* The row's link (one tab stop in the table's cell): its results once started, else the editor. */}
                          <Link
                            tag={RouterLink}
                            to={experiment.status === 'draft' ? `${EXPERIMENTS_PATH}/${experiment.documentId}` : `${EXPERIMENTS_PATH}/${experiment.documentId}/results`}
                          >
                            <Typography fontWeight="bold" textColor="primary700">
                              {experiment.name}
                            </Typography>
                          </Link>
                          <Flex gap={2}>
                            <Code>{experiment.key}</Code>
                            <Typography variant="pi" textColor="neutral600">
                              {modeLabel(experiment.mode, t)}
                            </Typography>
                          </Flex>
                        </Flex>
                      </Td>
                      <Td>
                        <StatusBadge status={experiment.status} t={t} />
                      </Td>
                      <Td style={{ whiteSpace: 'normal' }}>
                        <Flex direction="column" alignItems="flex-start">
                          {experiment.arms.map((arm, index) => (
                            <Typography key={arm.key} variant="pi">
                              {t('list.arm', '{name}: {weight}', { name: names.get(arm.key) ?? arm.key, weight: percent(result?.arms[index]?.weight ?? arm.weight) })}
                            </Typography>
                          ))}
                        </Flex>
                      </Td>
                      <Td>
                        <Typography data-testid={`experiment-units-${experiment.key}`}>{units === null ? '—' : formatNumber(units)}</Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal' }}>
                        {lifts.length === 0 ? (
                          <Typography textColor="neutral600">{experiment.status === 'draft' ? t('list.notStarted', 'Not started') : '—'}</Typography>
                        ) : (
                          <Flex direction="column" alignItems="flex-start">
                            {lifts.map((row) => (
                              <Typography key={row.arm} variant="pi">
                                {row.relative && row.sequential
                                  ? t('list.liftValue', '{arm}: {lift} ({low} to {high}), {verdict}', {
                                      arm: names.get(row.arm) ?? row.arm,
                                      lift: percent(row.relative.lift),
                                      low: percent(shownInterval(row.sequential.ci, experiment.goal.kind)[0]),
                                      high: percent(row.sequential.ci[1]),
                                      verdict: verdictLabel(verdictOf(row, result?.alpha), t).toLowerCase(),
                                    })
                                  : t('list.liftNone', '{arm}: not enough data', { arm: names.get(row.arm) ?? row.arm })}
                              </Typography>
                            ))}
                          </Flex>
                        )}
                      </Td>
                      <Td>
                        <Flex gap={1}>
                          {experiment.status !== 'draft' ? (
                            <IconButton
                              tag={RouterLink}
                              to={`${EXPERIMENTS_PATH}/${experiment.documentId}/results`}
                              label={t('list.results', 'Results of {name}', { name: experiment.name })}
                              variant="ghost"
                            >
                              <ChartPie />
                            </IconButton>
                          ) : null}
                          <IconButton
                            tag={RouterLink}
                            to={`${EXPERIMENTS_PATH}/${experiment.documentId}`}
                            label={t('list.edit', 'Edit {name}', { name: experiment.name })}
                            variant="ghost"
                          >
                            <Pencil />
                          </IconButton>
                          {canManageExperiments && experiment.status !== 'running' ? (
                            <IconButton label={t('list.delete', 'Delete {name}', { name: experiment.name })} variant="ghost" onClick={() => setDeleting(experiment)}>
                              <Trash />
                            </IconButton>
                          ) : null}
                        </Flex>
                      </Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
          )}
        </Layouts.Content>
      </Page.Main>
      <ConfirmDialog
        open={deleting !== null}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove(deleting)}
        title={t('delete.title', 'Delete this experiment?')}
        description={deleting ? t('delete.body', '"{name}" ({key}) and its settings will be deleted.', { name: deleting.name, key: deleting.key }) : ''}
        cancelLabel={t('cancel', 'Cancel')}
        confirmLabel={t('delete', 'Delete')}
      />
    </>
  );
};

export default ExperimentsPage;
