import { useState } from 'react';

import { Badge, Button, Dialog, Flex } from '@strapi/design-system';
import { Clock, Play, Stop } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';

import { STATUS_BADGE, statusLabel, type T } from '../../experiments/i18n';
import { adminApi, errorMessage, type Experiment } from '../../utils/api';

export const StatusBadge = ({ status, t }: { status: Experiment['status']; t: T }) => (
  <Badge variant={STATUS_BADGE[status]} data-testid="experiment-status">
    {statusLabel(status, t)}
  </Badge>
);

/**
 * Start / resume, pause and stop (stopping asks first: it is final). A refused change (409) says
 * why in a notification.
 */
export const LifecycleActions = ({
  experiment,
  onChanged,
  canManage,
  disabled,
  t,
}: {
  experiment: Experiment;
  onChanged: (experiment: Experiment) => void;
  canManage: boolean;
  /** e.g. unsaved changes in the editor. */
  disabled?: boolean;
  t: T;
}) => {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [busy, setBusy] = useState<'start' | 'pause' | 'stop' | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);

  const act = async (action: 'start' | 'pause' | 'stop') => {
    setBusy(action);
    try {
      const { data } = await post<{ data: Experiment }>(adminApi.experimentAction(experiment.documentId, action), {});
      onChanged(data.data);
      toggleNotification({
        type: 'success',
        message:
          action === 'start'
            ? t('lifecycle.started', 'Experiment "{name}" is running', { name: experiment.name })
            : action === 'pause'
              ? t('lifecycle.paused', 'Experiment "{name}" is paused: new visitors see the entry as if it did not exist', { name: experiment.name })
              : t('lifecycle.stopped', 'Experiment "{name}" is stopped', { name: experiment.name }),
      });
    } catch (reason) {
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setBusy(null);
    }
  };

  const { status } = experiment;
  return (
    <Flex gap={2}>
      {canManage && (status === 'draft' || status === 'paused') ? (
        <Button startIcon={<Play />} loading={busy === 'start'} disabled={disabled} onClick={() => act('start')}>
          {status === 'draft' ? t('lifecycle.start', 'Start') : t('lifecycle.resume', 'Resume')}
        </Button>
      ) : null}
      {canManage && status === 'running' ? (
        <Button variant="secondary" startIcon={<Clock />} loading={busy === 'pause'} onClick={() => act('pause')}>
          {t('lifecycle.pause', 'Pause')}
        </Button>
      ) : null}
      {canManage && (status === 'running' || status === 'paused') ? (
        <Button variant="danger-light" startIcon={<Stop />} loading={busy === 'stop'} onClick={() => setConfirmStop(true)}>
          {t('lifecycle.stop', 'Stop')}
        </Button>
      ) : null}
      <Dialog.Root open={confirmStop} onOpenChange={(open: boolean) => setConfirmStop(open)}>
        <Dialog.Content>
          <Dialog.Header>{t('lifecycle.stop.title', 'Stop this experiment?')}</Dialog.Header>
          <Dialog.Body>
            {t(
              'lifecycle.stop.body',
              'Stopping is final: "{name}" cannot run again, and every visitor gets the entry as if the experiment did not exist. Its results stay readable.',
              { name: experiment.name }
            )}
          </Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button variant="tertiary">{t('cancel', 'Cancel')}</Button>
            </Dialog.Cancel>
            <Dialog.Action>
              <Button variant="danger" onClick={() => act('stop')}>
                {t('lifecycle.stop.confirm', 'Stop the experiment')}
              </Button>
            </Dialog.Action>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </Flex>
  );
};
