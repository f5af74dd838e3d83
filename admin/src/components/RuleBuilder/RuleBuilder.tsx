import { useEffect, useId, useMemo, useRef, useState } from 'react';

import { Box, Flex, Tabs, Typography, VisuallyHidden } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { QueryBuilder, type Field, type RuleGroupType, type RuleGroupTypeAny } from 'react-querybuilder';
import { styled } from 'styled-components';

import { audienceRules } from '../../hooks/useAudiences';
import { useSignals } from '../../hooks/useSignals';
import { buildEntries, buildGroups, defaultValue, entryFor, operatorsFor } from '../../rules/fields';
import { fromJsonLogic, toJsonLogic } from '../../rules/jsonLogic';
import { describeCondition } from '../../rules/summary';
import { checkCondition, describeProblem, parseConditionText, ruleProblems } from '../../rules/validate';
import type { Audience } from '../../api';
import { getTranslation } from '../../utils/getTranslation';
import { JsonEditor } from '../JsonEditor';
import type { BuilderContext } from './context';
import { AddGroupAction, AddRuleAction, CombinatorSelector, NotToggle, OperatorSelector, RemoveAction } from './controls';
import { FieldSelector } from './FieldSelector';
import { ValueEditor } from './ValueEditor';

export interface RuleBuilderProps {
  /** The JSON-logic condition; null means "no condition" (always matches). */
  value: unknown;
  onChange: (value: unknown) => void;
  audiences: Audience[] | null;
  /** Reports whether the condition is valid, so forms can refuse to save an invalid one. */
  onValidityChange?: (valid: boolean) => void;
  disabled?: boolean;
}

/** react-querybuilder's markup, laid out with the design system's spacing and colors. */
const Frame = styled(Box)`
  .ruleGroup {
    display: flex;
    flex-direction: column;
    gap: ${({ theme }) => theme.spaces[2]};
    padding: ${({ theme }) => theme.spaces[3]};
    border: 1px solid ${({ theme }) => theme.colors.neutral200};
    border-radius: ${({ theme }) => theme.borderRadius};
    background: ${({ theme }) => theme.colors.neutral100};
  }
  .ruleGroup .ruleGroup {
    background: ${({ theme }) => theme.colors.neutral0};
  }
  .ruleGroup-header,
  .rule {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${({ theme }) => theme.spaces[2]};
  }
  .ruleGroup-body {
    display: flex;
    flex-direction: column;
    gap: ${({ theme }) => theme.spaces[2]};
  }
  .rule {
    padding: ${({ theme }) => theme.spaces[2]};
    background: ${({ theme }) => theme.colors.neutral0};
    border-radius: ${({ theme }) => theme.borderRadius};
  }
  .rule-problem {
    flex-basis: 100%;
  }
`;

const CONTROLS = {
  combinatorSelector: CombinatorSelector,
  notToggle: NotToggle,
  fieldSelector: FieldSelector,
  operatorSelector: OperatorSelector,
  valueEditor: ValueEditor,
  addRuleAction: AddRuleAction,
  addGroupAction: AddGroupAction,
  removeRuleAction: RemoveAction,
  removeGroupAction: RemoveAction,
  cloneRuleAction: null,
  cloneGroupAction: null,
  lockRuleAction: null,
  lockGroupAction: null,
  dragHandle: null,
};

/** How many rules (leaves) a tree holds, groups included. */
const countRules = (group: RuleGroupTypeAny): number =>
  group.rules.reduce<number>((sum, item) => sum + (typeof item === 'string' ? 0 : 'rules' in item ? countRules(item) : 1), 0);

const toText = (condition: unknown) => (condition === null || condition === undefined ? '' : JSON.stringify(condition, null, 2));

/**
 * The condition editor: a visual builder (react-querybuilder with design-system controls, driven
 * by the signal vocabulary) and a JSON tab that round-trip, both checked with the engine.
 */
export const RuleBuilder = ({ value, onChange, audiences, onValidityChange, disabled }: RuleBuilderProps) => {
  const { formatMessage } = useIntl();
  const { vocabulary, error: vocabularyError } = useSignals();
  const entries = useMemo(() => buildEntries(vocabulary, formatMessage), [vocabulary, formatMessage]);
  const groups = useMemo(() => buildGroups(vocabulary, entries), [vocabulary, entries]);
  const library = useMemo(() => audienceRules(audiences), [audiences]);
  const audienceKeys = useMemo(() => (audiences ?? []).map((audience) => audience.key), [audiences]);

  const [tab, setTab] = useState<'visual' | 'json'>('visual');
  const [tree, setTree] = useState<RuleGroupType>(() => fromJsonLogic(value));
  const [text, setText] = useState(() => toText(value));
  const [textProblem, setTextProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const jsonHintId = useId();
  const frame = useRef<HTMLDivElement>(null);

  // Follow a value replaced from outside (another variant opened, a reset).
  useEffect(() => {
    if (JSON.stringify(toJsonLogic(tree)) !== JSON.stringify(value ?? null)) {
      setTree(fromJsonLogic(value));
      if (tab === 'visual') setText(toText(value));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const problems = useMemo(() => ruleProblems(tree, entries, library, formatMessage), [tree, entries, library, formatMessage]);
  const wholeProblem = useMemo(() => {
    const problem = checkCondition(toJsonLogic(tree), library);
    return problem ? describeProblem(problem, formatMessage) : null;
  }, [tree, library, formatMessage]);
  const valid = tab === 'json' ? textProblem === null : Object.keys(problems).length === 0 && wholeProblem === null;

  useEffect(() => {
    onValidityChange?.(valid);
  }, [valid, onValidityChange]);

  const fields = useMemo<Field[]>(() => entries.map((entry) => ({ name: entry.name, label: entry.label })), [entries]);
  const context: BuilderContext = { entries, groups, audiences, problems, disabled };

  const onTreeChange = (next: RuleGroupType) => {
    // Rules appear and disappear without moving focus: a screen reader hears it here.
    const before = countRules(tree);
    const after = countRules(next);
    if (after < before) {
      // The pressed Remove button is gone with its rule: focus goes to the builder's "+ Condition".
      setTimeout(() => frame.current?.querySelector<HTMLElement>('[data-add="rule"][data-path=""]')?.focus(), 0);
    }
    if (after !== before) {
      setAnnouncement(
        after > before
          ? formatMessage({ id: getTranslation('rules.announce.added'), defaultMessage: 'Rule {position} added' }, { position: after })
          : formatMessage(
              { id: getTranslation('rules.announce.removed'), defaultMessage: 'Rule removed, {count, plural, =0 {no rule left} one {# rule left} other {# rules left}}' },
              { count: after }
            )
      );
    }
    setTree(next);
    const json = toJsonLogic(next);
    setText(toText(json));
    onChange(json);
  };

  const onTextChange = (next: string) => {
    setText(next);
    const parsed = parseConditionText(next, library, formatMessage);
    setTextProblem(parsed.problem);
    if (parsed.condition !== undefined) {
      setTree(fromJsonLogic(parsed.condition));
      onChange(parsed.condition);
    }
  };

  const audienceNames = Object.fromEntries((audiences ?? []).map((audience) => [audience.key, audience.name]));

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography variant="pi" textColor="neutral600" data-testid="condition-summary">
        {formatMessage(
          { id: getTranslation('rules.summary'), defaultMessage: 'When: {condition}' },
          { condition: describeCondition(toJsonLogic(tree), { audienceNames, formatMessage }) }
        )}
      </Typography>
      <Tabs.Root value={tab} onValueChange={(next: string) => setTab(next === 'json' && textProblem === null ? 'json' : (next as 'visual' | 'json'))}>
        <Tabs.List aria-label={formatMessage({ id: getTranslation('rules.tabs.label'), defaultMessage: 'Condition editor' })}>
          <Tabs.Trigger value="visual" disabled={tab === 'json' && textProblem !== null}>
            {formatMessage({ id: getTranslation('rules.tabs.visual'), defaultMessage: 'Visual' })}
          </Tabs.Trigger>
          <Tabs.Trigger value="json">JSON</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="visual">
          <Frame ref={frame} paddingTop={2}>
            {vocabularyError ? (
              <Typography textColor="danger600">
                {formatMessage(
                  { id: getTranslation('rules.vocabularyError'), defaultMessage: 'The signal vocabulary could not be loaded: {error}' },
                  { error: vocabularyError }
                )}
              </Typography>
            ) : null}
            <QueryBuilder
              fields={fields}
              query={tree}
              onQueryChange={onTreeChange}
              controlElements={CONTROLS}
              context={context}
              showNotToggle
              disabled={disabled}
              getOperators={(field: string) => operatorsFor(entryFor(entries, field), formatMessage)}
              getDefaultOperator={(field: string) => operatorsFor(entryFor(entries, field), formatMessage)[0]?.name ?? '='}
              getDefaultValue={(rule: { field: string; operator: string }) =>
                defaultValue(entryFor(entries, rule.field), rule.operator, audienceKeys)
              }
              getDefaultField={(fieldList: unknown) => (Array.isArray(fieldList) && fieldList[0] ? (fieldList[0] as Field).name : 'context.device')}
              resetOnOperatorChange
              translations={{
                addRule: {
                  label: formatMessage({ id: getTranslation('rules.addRule'), defaultMessage: 'Condition' }),
                  title: formatMessage({ id: getTranslation('rules.addRule.title'), defaultMessage: 'Add a condition' }),
                },
                addGroup: {
                  label: formatMessage({ id: getTranslation('rules.addGroup'), defaultMessage: 'Group' }),
                  title: formatMessage({ id: getTranslation('rules.addGroup.title'), defaultMessage: 'Add a group' }),
                },
              }}
            />
            {wholeProblem && Object.keys(problems).length === 0 ? (
              <Typography variant="pi" textColor="danger600" role="alert">
                {wholeProblem}
              </Typography>
            ) : null}
          </Frame>
        </Tabs.Content>
        <Tabs.Content value="json">
          <Box paddingTop={2}>
            <JsonEditor
              label={formatMessage({ id: getTranslation('rules.json.label'), defaultMessage: 'Condition JSON' })}
              value={text}
              minHeight="12rem"
              disabled={disabled}
              hasError={textProblem !== null}
              describedBy={jsonHintId}
              onChange={onTextChange}
            />
            <Typography id={jsonHintId} variant="pi" textColor={textProblem ? 'danger600' : 'neutral600'} role={textProblem ? 'alert' : undefined}>
              {textProblem ??
                formatMessage({
                  id: getTranslation('rules.json.hint'),
                  defaultMessage: 'JSON-logic; leave empty for "always". Changes here show in the visual tab.',
                })}
            </Typography>
          </Box>
        </Tabs.Content>
      </Tabs.Root>
      <VisuallyHidden aria-live="polite" data-testid="rules-announcement">
        {announcement}
      </VisuallyHidden>
    </Flex>
  );
};
