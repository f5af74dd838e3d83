import { useCallback } from 'react';

import { useIntl } from 'react-intl';

import type { BanditUpdateSkip, ExperimentMode, ExperimentStatus } from '../../../contracts/src/experiments';
import type { Verdict } from './verdict';
import { getTranslation, type MessageValues } from '../utils/getTranslation';

/** A message of the experiments pages: `t('list.title', 'Experiments')` reads `personalize.experiments.list.title`. */
export type T = (key: string, defaultMessage: string, values?: MessageValues) => string;

export const useT = (): T => {
  const { formatMessage } = useIntl();
  return useCallback<T>((key, defaultMessage, values) => formatMessage({ id: getTranslation(`experiments.${key}`), defaultMessage }, values), [formatMessage]);
};

export const statusLabel = (status: ExperimentStatus, t: T): string =>
  ({
    draft: t('status.draft', 'Draft'),
    running: t('status.running', 'Running'),
    paused: t('status.paused', 'Paused'),
    stopped: t('status.stopped', 'Stopped'),
  })[status];

export const modeLabel = (mode: ExperimentMode, t: T): string =>
  mode === 'bandit'
    ? t('mode.bandit', 'Bandit (weights follow the results)')
    : mode === 'contextual'
      ? t('mode.contextual', 'Contextual bandit (weights follow the results, per kind of visitor)')
      : mode === 'multivariate'
        ? t('mode.multivariate', 'Multivariate test (several changes at once, every combination)')
        : t('mode.ab', 'A/B test (fixed weights)');

export const STATUS_BADGE: Record<ExperimentStatus, 'neutral' | 'success' | 'warning' | 'secondary'> = {
  draft: 'neutral',
  running: 'success',
  paused: 'warning',
  stopped: 'secondary',
};

export const verdictLabel = (verdict: Verdict, t: T) =>
  ({
    better: t('verdict.better', 'Better'),
    worse: t('verdict.worse', 'Worse'),
    inconclusive: t('verdict.inconclusive', 'Not yet conclusive'),
    'no-data': t('verdict.noData', 'Not enough data'),
  })[verdict];

export const skipLabel = (reason: BanditUpdateSkip | undefined, t: T) =>
  ({
    'not-running': t('bandit.skip.notRunning', 'The experiment is not running.'),
    'not-bandit': t('bandit.skip.notBandit', 'This experiment is an A/B test: its weights do not move.'),
    'not-started': t('bandit.skip.notStarted', 'The experiment has not started yet.'),
    'burn-in': t('bandit.skip.burnIn', 'Still in the burn-in period: the weights first move after it.'),
    'not-enough-units': t('bandit.skip.notEnoughUnits', 'Not every arm has enough visitors yet to update the weights.'),
    locked: t('bandit.skip.locked', 'Another update is running right now: try again in a moment.'),
    'not-due': t('bandit.skip.notDue', 'The last update is too recent: the next is due later.'),
    unknown: t('bandit.skip.unknown', 'The weights were kept.'),
  })[reason ?? 'unknown'];
